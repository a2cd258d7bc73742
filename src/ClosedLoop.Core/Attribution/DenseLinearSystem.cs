using System.Numerics;

namespace ClosedLoop.Core.Attribution;

/// <summary>
/// Solves a dense n×n system by Gaussian elimination with partial pivoting: exact up to rounding, and the same
/// operations in the same order on every run.
/// </summary>
internal static class DenseLinearSystem
{
    /// <summary>
    /// Solves <c>A x = b</c> in place: <paramref name="a"/> (row-major n×n) is destroyed and <paramref name="b"/> becomes x.
    /// </summary>
    /// <exception cref="InvalidOperationException">A is singular.</exception>
    public static void Solve(Span<double> a, Span<double> b, int n)
    {
        for (var k = 0; k < n; k++)
        {
            var pivotRow = k;
            var pivotSize = Math.Abs(a[(k * n) + k]);
            for (var i = k + 1; i < n; i++)
            {
                var size = Math.Abs(a[(i * n) + k]);
                if (size > pivotSize)
                {
                    pivotRow = i;
                    pivotSize = size;
                }
            }
            if (pivotSize == 0)
                throw new InvalidOperationException("The linear system is singular.");
            if (pivotRow != k)
            {
                var upper = a.Slice(k * n, n);
                var lower = a.Slice(pivotRow * n, n);
                for (var j = 0; j < n; j++)
                    (upper[j], lower[j]) = (lower[j], upper[j]);
                (b[k], b[pivotRow]) = (b[pivotRow], b[k]);
            }

            var pivot = a[(k * n) + k];
            var pivotTail = a.Slice((k * n) + k + 1, n - k - 1);
            for (var i = k + 1; i < n; i++)
            {
                var entry = a[(i * n) + k];
                // Chains are sparse: most rows have nothing to eliminate in this column.
                if (entry == 0)
                    continue;
                var factor = entry / pivot;
                a[(i * n) + k] = 0;
                SubtractScaled(a.Slice((i * n) + k + 1, n - k - 1), pivotTail, factor);
                b[i] -= factor * b[k];
            }
        }

        for (var k = n - 1; k >= 0; k--)
        {
            var sum = b[k];
            var row = a.Slice(k * n, n);
            for (var j = k + 1; j < n; j++)
                sum -= row[j] * b[j];
            b[k] = sum / row[k];
        }
    }

    /// <summary>
    /// <c>target -= factor * source</c>. Element by element, vector or scalar (no fused multiply-add, no reordering), so the
    /// result does not depend on the vector width.
    /// </summary>
    private static void SubtractScaled(Span<double> target, ReadOnlySpan<double> source, double factor)
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated && target.Length >= Vector<double>.Count)
        {
            var scale = new Vector<double>(factor);
            for (; i <= target.Length - Vector<double>.Count; i += Vector<double>.Count)
            {
                var slice = target[i..];
                (new Vector<double>(slice) - (scale * new Vector<double>(source[i..]))).CopyTo(slice);
            }
        }
        for (; i < target.Length; i++)
            target[i] -= factor * source[i];
    }
}
