namespace ClosedLoop.Core.Attribution;

/// <summary>How <see cref="MarkovAttribution"/> turns paths into chain states; the defaults are the product's defaults.</summary>
/// <param name="Order">How many of the latest channels make a state, 1 to <see cref="MaxOrder"/>. Higher orders remember
/// more of the path but need more data per state.</param>
/// <param name="CollapseRepeats">Whether consecutive repeats of a channel (A, A, B) count once (A, B), so that a
/// channel's many sessions in a row do not look like many steps.</param>
public sealed record MarkovOptions(int Order = 1, bool CollapseRepeats = true)
{
    /// <summary>The highest order: four 16-bit channel ids fill the 64-bit state key.</summary>
    public const int MaxOrder = 4;

    /// <summary>How many of the latest channels make a state, 1 to <see cref="MaxOrder"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Outside 1..<see cref="MaxOrder"/>, also through <c>with</c>.</exception>
    public int Order
    {
        get;
        init => field = ValidOrder(value);
    } = ValidOrder(Order);

    private static int ValidOrder(int order)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(order, 1, nameof(Order));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(order, MaxOrder, nameof(Order));
        return order;
    }
}
