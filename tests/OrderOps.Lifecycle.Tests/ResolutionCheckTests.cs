using OrderOps.Core.Lifecycle;
using OrderOps.Core.Ports;

namespace OrderOps.Lifecycle.Tests;

/// <summary>
/// The API's pre-check of an operator's resolution (<see cref="LifecycleDecider.CheckResolution"/>): what it refuses
/// with a 4xx before anything reaches the orchestration, which itself never throws for a bad request.
/// </summary>
public sealed class ResolutionCheckTests
{
    private static readonly DateTimeOffset Raised = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    private static ProcessState StateWith(params LifecycleException[] exceptions) => new() { State = LifecycleStates.OnHold, Exceptions = [.. exceptions] };

    private static LifecycleException Review(string id = "o|review-required|1") => new()
    {
        ExceptionId = id, OrderId = "o", Channel = "shopify", Kind = ExceptionKinds.ReviewRequired, Description = "Held for review.", State = LifecycleStates.OnHold,
        Options = [Resolutions.Override, Resolutions.Cancel], RecommendedAction = "Check it.", RaisedAt = Raised,
    };

    [Theory]
    [InlineData(null)]
    [InlineData("approve")]
    [InlineData("RETRY")]
    public void An_unknown_resolution_is_refused(string? resolution) =>
        Assert.Equal(("resolution must be retry, cancel or override.", false), LifecycleDecider.CheckResolution(StateWith(Review()), "o|review-required|1", resolution, "why"));

    [Fact]
    public void An_exception_the_order_does_not_have_is_not_found()
    {
        var refused = LifecycleDecider.CheckResolution(StateWith(Review()), "o|review-required|9", Resolutions.Cancel, null);

        Assert.NotNull(refused);
        Assert.True(refused.Value.NotFound);
        Assert.Contains("o|review-required|9", refused.Value.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void An_option_the_exception_does_not_offer_is_refused_and_the_offered_ones_are_named()
    {
        var refused = LifecycleDecider.CheckResolution(StateWith(Review()), "o|review-required|1", Resolutions.Retry, "why");

        Assert.Equal(("'retry' is not an option for this exception; options: override, cancel.", false), refused);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void An_override_needs_a_reason(string? reason) =>
        Assert.Equal(("An override needs a reason.", false), LifecycleDecider.CheckResolution(StateWith(Review()), "o|review-required|1", Resolutions.Override, reason));

    [Theory]
    [InlineData(Resolutions.Cancel, null)]
    [InlineData(Resolutions.Override, "known customer")]
    public void An_offered_option_with_what_it_needs_is_accepted(string resolution, string? reason) =>
        Assert.Null(LifecycleDecider.CheckResolution(StateWith(Review()), "o|review-required|1", resolution, reason));

    [Fact]
    public void A_resolution_of_an_exception_already_closed_passes_the_check_and_the_orchestration_answers_that_it_was_resolved()
    {
        // Two operators may resolve at once: the second request is accepted and the order reports "Already resolved".
        var closed = Review() with { ResolvedAt = Raised.AddHours(1), Resolution = Resolutions.Cancel, ResolvedBy = "operator:bob" };

        Assert.Null(LifecycleDecider.CheckResolution(StateWith(closed), closed.ExceptionId, Resolutions.Cancel, null));
    }
}
