namespace ClosedLoop.Core.Attribution;

/// <summary>
/// The probability of ending in conversion from start, solved exactly from <c>(I − Q) x = r</c>, optionally with some
/// states redirected to null (the removal effect's chain).
/// </summary>
/// <remarks>
/// The system is split into strongly connected components (Tarjan's algorithm, iterative so long paths cannot overflow
/// the stack, from start over the states not removed). Tarjan emits a component only after every component it can
/// reach, so each one is solved once with the values of its successors known: block back-substitution. Most components
/// of a path chain are single states (one division); a loop such as A → B → A makes a larger one, solved by Gaussian
/// elimination with partial pivoting up to <see cref="DefaultDenseLimit"/> states, where the n³ cost is still bounded.
/// A component beyond that (high orders on varied data) is solved by Gauss–Seidel sweeps until a sweep changes no
/// value by more than a few units in the last place: I − Q is a nonsingular M-matrix, so from 0 the iterates rise
/// monotonically to the solution, at the cost of the component's transitions per sweep. Members of a component are
/// taken in state order and every sum runs in transition order, so the result is bit-identical from run to run.
/// Removed states are never entered and count as 0.
/// </remarks>
internal sealed class AbsorbingChainSolver
{
    /// <summary>Largest component solved densely: its matrix is 18 MB and one elimination about 2·10⁹ flops.</summary>
    public const int DefaultDenseLimit = 1500;

    /// <summary>Gauss–Seidel gives up after this many sweeps; only a chain that almost never leaves a loop gets near.</summary>
    private const int MaxSweeps = 1_000_000;

    /// <summary>2⁻⁵², the gap between 1 and the next double.</summary>
    private const double MachineEpsilon = 2.220446049250313e-16;

    private readonly MarkovChain _chain;
    private readonly int _denseLimit;
    private readonly double[] _x;
    private readonly int[] _index;
    private readonly int[] _lowLink;
    private readonly bool[] _onStack;
    private readonly int[] _stack;
    private readonly int[] _callState;
    private readonly int[] _callEdge;
    private readonly int[] _local;
    private double[] _matrix = [];
    private double[] _rhs = [];

    public AbsorbingChainSolver(MarkovChain chain, int denseLimit = DefaultDenseLimit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(denseLimit, 1);
        _chain = chain;
        _denseLimit = denseLimit;
        var n = chain.StateCount;
        _x = new double[n];
        _index = new int[n];
        _lowLink = new int[n];
        _onStack = new bool[n];
        _stack = new int[n];
        _callState = new int[n];
        _callEdge = new int[n];
        _local = new int[n];
        Array.Fill(_local, -1);
    }

    /// <summary>P(conversion | start); states flagged in <paramref name="removed"/> go straight to null.</summary>
    public double ConversionFromStart(bool[]? removed = null)
    {
        if (_chain.StateCount == 0)
            return 0;
        Array.Fill(_index, -1);
        var rowStart = _chain.RowStart;
        var targets = _chain.Targets;
        var counter = 0;
        var stackTop = 0;
        var depth = 0;

        Enter(0);
        while (depth > 0)
        {
            var state = _callState[depth - 1];
            var edge = _callEdge[depth - 1];
            if (edge < rowStart[state + 1])
            {
                _callEdge[depth - 1] = edge + 1;
                var next = targets[edge];
                if (removed is not null && removed[next])
                    continue;
                if (_index[next] < 0)
                    Enter(next);
                else if (_onStack[next])
                    _lowLink[state] = Math.Min(_lowLink[state], _index[next]);
                continue;
            }

            depth--;
            if (depth > 0)
            {
                var parent = _callState[depth - 1];
                _lowLink[parent] = Math.Min(_lowLink[parent], _lowLink[state]);
            }
            if (_lowLink[state] == _index[state])
            {
                var first = stackTop - 1;
                while (_stack[first] != state)
                    first--;
                var members = _stack.AsSpan(first, stackTop - first);
                for (var i = 0; i < members.Length; i++)
                    _onStack[members[i]] = false;
                members.Sort();
                SolveComponent(members, removed);
                stackTop = first;
            }
        }
        return _x[0];

        void Enter(int state)
        {
            _index[state] = counter;
            _lowLink[state] = counter;
            counter++;
            _stack[stackTop++] = state;
            _onStack[state] = true;
            _callState[depth] = state;
            _callEdge[depth] = rowStart[state];
            depth++;
        }
    }

    private void SolveComponent(ReadOnlySpan<int> members, bool[]? removed)
    {
        if (members.Length == 1)
            SolveSingle(members[0], removed);
        else if (members.Length <= _denseLimit)
            SolveDense(members, removed);
        else
            SolveIteratively(members, removed);
    }

    /// <summary>x = (r + Σ q·x over solved successors) / (1 − self-loop probability).</summary>
    private void SolveSingle(int state, bool[]? removed)
    {
        var probabilities = _chain.Probabilities;
        var targets = _chain.Targets;
        var sum = _chain.ConversionProbabilities[state];
        var diagonal = 1.0;
        for (var e = _chain.RowStart[state]; e < _chain.RowStart[state + 1]; e++)
        {
            var next = targets[e];
            if (next == state)
                diagonal -= probabilities[e];
            else if (removed is null || !removed[next])
                sum += probabilities[e] * _x[next];
        }
        _x[state] = sum / diagonal;
    }

    /// <summary>Assembles the component's block of I − Q and its right-hand side, then eliminates.</summary>
    private void SolveDense(ReadOnlySpan<int> members, bool[]? removed)
    {
        var n = members.Length;
        if (_matrix.Length < n * n)
            _matrix = new double[n * n];
        if (_rhs.Length < n)
            _rhs = new double[n];
        var a = _matrix.AsSpan(0, n * n);
        var b = _rhs.AsSpan(0, n);
        a.Clear();
        for (var p = 0; p < n; p++)
            _local[members[p]] = p;

        var probabilities = _chain.Probabilities;
        var targets = _chain.Targets;
        for (var p = 0; p < n; p++)
        {
            var state = members[p];
            var row = a.Slice(p * n, n);
            row[p] = 1;
            var sum = _chain.ConversionProbabilities[state];
            for (var e = _chain.RowStart[state]; e < _chain.RowStart[state + 1]; e++)
            {
                var next = targets[e];
                if (removed is not null && removed[next])
                    continue;
                var q = _local[next];
                if (q >= 0)
                    row[q] -= probabilities[e];
                else
                    sum += probabilities[e] * _x[next];
            }
            b[p] = sum;
        }

        DenseLinearSystem.Solve(a, b, n);
        for (var p = 0; p < n; p++)
        {
            _x[members[p]] = b[p];
            _local[members[p]] = -1;
        }
    }

    /// <summary>Gauss–Seidel from 0 in member order until a sweep changes nothing beyond rounding.</summary>
    private void SolveIteratively(ReadOnlySpan<int> members, bool[]? removed)
    {
        var n = members.Length;
        if (_rhs.Length < n)
            _rhs = new double[n];
        var b = _rhs.AsSpan(0, n);
        for (var p = 0; p < n; p++)
        {
            _local[members[p]] = p;
            _x[members[p]] = 0;
        }

        var probabilities = _chain.Probabilities;
        var targets = _chain.Targets;
        // The part from outside the component is fixed: add it up once.
        for (var p = 0; p < n; p++)
        {
            var state = members[p];
            var sum = _chain.ConversionProbabilities[state];
            for (var e = _chain.RowStart[state]; e < _chain.RowStart[state + 1]; e++)
            {
                var next = targets[e];
                if ((removed is null || !removed[next]) && _local[next] < 0)
                    sum += probabilities[e] * _x[next];
            }
            b[p] = sum;
        }

        for (var sweep = 0; ; sweep++)
        {
            if (sweep == MaxSweeps)
                throw new InvalidOperationException($"Gauss-Seidel did not converge in {MaxSweeps} sweeps over {n} states.");
            var largestChange = 0.0;
            var largestValue = 0.0;
            for (var p = 0; p < n; p++)
            {
                var state = members[p];
                var sum = b[p];
                var diagonal = 1.0;
                for (var e = _chain.RowStart[state]; e < _chain.RowStart[state + 1]; e++)
                {
                    // Removed states are never members, so the member test covers them too.
                    var next = targets[e];
                    if (_local[next] < 0)
                        continue;
                    if (next == state)
                        diagonal -= probabilities[e];
                    else
                        sum += probabilities[e] * _x[next];
                }
                var value = sum / diagonal;
                largestChange = Math.Max(largestChange, Math.Abs(value - _x[state]));
                largestValue = Math.Max(largestValue, Math.Abs(value));
                _x[state] = value;
            }
            // A few units in the last place: rounding alone can keep the last bit moving.
            if (largestChange <= 4 * MachineEpsilon * largestValue)
                break;
        }

        for (var p = 0; p < n; p++)
            _local[members[p]] = -1;
    }
}
