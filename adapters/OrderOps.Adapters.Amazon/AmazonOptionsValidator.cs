using Cronos;
using Microsoft.Extensions.Options;
using OrderOps.Adapters.Amazon.Fulfillment;

namespace OrderOps.Adapters.Amazon;

/// <summary>Fails fast at start-up on settings that would only surface as odd API errors later.</summary>
internal sealed class AmazonOptionsValidator : IValidateOptions<AmazonOptions>
{
    public ValidateOptionsResult Validate(string? name, AmazonOptions options)
    {
        var failures = new List<string>();
        // With no accounts the channel is simply off (the poller has nothing to do); credentials matter once one exists.
        if (options.Accounts.Count > 0 && string.IsNullOrWhiteSpace(options.ClientId))
        {
            failures.Add($"{AmazonOptions.SectionName}:ClientId is required.");
        }

        if (options.Accounts.Count > 0 && string.IsNullOrWhiteSpace(options.ClientSecret))
        {
            failures.Add($"{AmazonOptions.SectionName}:ClientSecret is required.");
        }

        foreach (var (sellerId, account) in options.Accounts)
        {
            if (string.IsNullOrWhiteSpace(sellerId) || sellerId.Contains(':', StringComparison.Ordinal))
            {
                failures.Add($"Seller id '{sellerId}' is empty or contains ':'.");
            }

            if (string.IsNullOrWhiteSpace(account.RefreshToken))
            {
                failures.Add($"{AmazonOptions.SectionName}:Accounts:{sellerId}:RefreshToken is required.");
            }

            if (account.MarketplaceIds.Count == 0)
            {
                failures.Add($"{AmazonOptions.SectionName}:Accounts:{sellerId}:MarketplaceIds needs at least one marketplace.");
            }
        }

        try
        {
            // Six fields, seconds first: the NCRONTAB form Azure Functions timer triggers use.
            CronExpression.Parse(options.PollSchedule, CronFormat.IncludeSeconds);
        }
        catch (CronFormatException ex)
        {
            failures.Add($"PollSchedule '{options.PollSchedule}' is not a six-field NCRONTAB expression: {ex.Message}");
        }

        if (options.MaxResultsPerPage is < 1 or > 100)
        {
            failures.Add("MaxResultsPerPage must be between 1 and 100.");
        }

        if (options.Overlap < TimeSpan.Zero || options.InitialLookback <= TimeSpan.Zero || options.WindowEndLag < TimeSpan.Zero)
        {
            failures.Add("Overlap and WindowEndLag must not be negative; InitialLookback must be positive.");
        }

        foreach (var (operation, limit) in options.RateLimits.ByOperation())
        {
            if (limit.RequestsPerSecond <= 0 || limit.Burst < 1)
            {
                failures.Add($"RateLimits:{char.ToUpperInvariant(operation[0])}{operation[1..]} needs RequestsPerSecond > 0 and Burst >= 1.");
            }
        }

        if (!OrderAcknowledgementFeed.CancelReasons.Contains(options.Cancellation.CancelReason))
        {
            failures.Add($"Cancellation:CancelReason '{options.Cancellation.CancelReason}' is not one of Amazon's: {string.Join(", ", OrderAcknowledgementFeed.CancelReasons)}.");
        }

        if (options.Cancellation.ResultWait < TimeSpan.Zero || options.Cancellation.PollInterval <= TimeSpan.Zero)
        {
            failures.Add("Cancellation:ResultWait must not be negative and Cancellation:PollInterval must be positive.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
