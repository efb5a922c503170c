using System.Text;
using System.Text.Json.Nodes;
using OrderOps.Adapters.Amazon.Mapping;
using OrderOps.Adapters.Amazon.Polling;
using OrderOps.Adapters.Amazon.Tests.Fake;
using OrderOps.Core.Ingest;
using OrderOps.Core.Operations;
using OrderOps.Core.Orders;
using OrderOps.Core.Ports;
using OrderOps.Core.Serialization;
using Xunit;

namespace OrderOps.Adapters.Amazon.Tests;

public sealed class AmazonOrderPollerTests
{
    [Fact]
    public async Task Follows_amazons_published_pages_and_queues_each_order_with_everything_the_mapping_needs()
    {
        await using var host = await AmazonTestHost.StartAsync();
        host.Fake.ReplayPublishedPages = true;

        var result = await host.Poller.PollAsync(default);

        Assert.True(result.Succeeded);
        var searches = host.Fake.Requests.Where(r => r.Operation == "searchOrders").ToList();
        Assert.Equal(2, searches.Count);
        Assert.DoesNotContain("paginationToken", searches[0].Query, StringComparison.Ordinal);
        Assert.Contains("paginationToken=" + Uri.EscapeDataString(Fixtures.PublishedNextToken), searches[1].Query, StringComparison.Ordinal);
        Assert.All(searches, s => Assert.Contains("includedData=BUYER%2CRECIPIENT%2CPROCEEDS%2CPROMOTION%2CCANCELLATION%2CFULFILLMENT", s.Query, StringComparison.Ordinal));
        Assert.Equal(searches.Count, host.Fake.Requests.Count); // No per-order call: items come with the order.

        var published = Fixtures.SearchOrdersSandbox().Take(2).Select(c => c!["response"]!["orders"]![0]!).ToList();
        var expectedIds = published.Select(o => $"amazon:{AmazonTestHost.SellerA}:{o["orderId"]}:{o["lastUpdatedTime"]}").ToList();
        Assert.Equal(expectedIds, host.Queue.Sends.Select(s => s.Message.MessageId));
        var claim = OrderOpsJson.Deserialize<IngestMessage>(host.Queue.Sends.First().Message.Body);
        Assert.Equal(new IngestMessage(expectedIds[0], "amazon", "searchOrders"), claim);

        // What was archived is Amazon's order verbatim, and maps.
        var archived = host.Archive.Payloads[claim.ArchiveId];
        Assert.Equal(AmazonTestHost.SellerA, archived.Account);
        Assert.True(JsonNode.DeepEquals(published[0], JsonNode.Parse(archived.Body.Span)));
        var order = Assert.Single(new AmazonOrderMapper().Map(archived));
        Assert.Equal("JPY", order.Currency);
        Assert.Contains("fba", order.Tags);
        Assert.Equal(result.Marketplaces[0].Watermark?.ToString("O"), DateTimeOffset.Parse(host.Watermark()!).ToString("O"));
    }

    [Fact]
    public async Task Pages_through_a_window_and_advances_the_watermark_to_its_end()
    {
        await using var host = await AmazonTestHost.StartAsync(s => s["Channels:Amazon:MaxResultsPerPage"] = "2");
        var ids = host.SeedOrders(5);
        var before = DateTimeOffset.UtcNow;

        var result = await host.Poller.PollAsync(default);

        var marketplace = Assert.Single(result.Marketplaces);
        Assert.Null(marketplace.Error);
        Assert.Equal(3, marketplace.Pages);
        Assert.Equal(5, marketplace.OrdersQueued);
        Assert.Equal(ids.Order(), host.Queue.Sends.Select(s => s.Message.MessageId.Split(':')[2]).Order());
        var watermark = DateTimeOffset.Parse(host.Watermark()!);
        Assert.InRange(watermark, before.AddMinutes(-2).AddSeconds(-1), DateTimeOffset.UtcNow.AddMinutes(-2));
        Assert.Equal(string.Empty, host.Cursor());
    }

    [Fact]
    public async Task The_next_poll_starts_an_overlap_before_the_watermark()
    {
        await using var host = await AmazonTestHost.StartAsync(s => s["Channels:Amazon:Overlap"] = "00:05:00");
        host.SeedOrders(1);
        await host.Poller.PollAsync(default);
        var watermark = DateTimeOffset.Parse(host.Watermark()!);

        await host.Poller.PollAsync(default);

        var second = host.Fake.Requests.Where(r => r.Operation == "searchOrders").Last();
        var expected = Uri.EscapeDataString((watermark - TimeSpan.FromMinutes(5)).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"));
        Assert.Contains("lastUpdatedAfter=" + expected, second.Query, StringComparison.Ordinal);
        // The overlap re-reads the same order version: same message id, so the queue keeps one.
        Assert.Single(host.Queue.Waiting);
        Assert.Single(host.Archive.Payloads);
    }

    [Fact]
    public async Task An_order_archived_by_a_run_that_died_before_sending_is_sent_on_the_next_run()
    {
        await using var host = await AmazonTestHost.StartAsync();
        host.SeedOrders(1);
        host.Queue.FailWhen = _ => true; // Archived, then the send fails.
        Assert.False((await host.Poller.PollAsync(default)).Succeeded);
        Assert.Single(host.Archive.Payloads);
        Assert.Empty(host.Queue.Waiting);

        host.Queue.FailWhen = null;
        var rerun = await host.Poller.PollAsync(default);

        Assert.True(rerun.Succeeded);
        Assert.Equal(host.Archive.Payloads.Keys.Single(), Assert.Single(host.Queue.Waiting).Key);
    }

    [Fact(Timeout = 60_000)]
    public async Task Accounts_are_polled_concurrently_so_one_cannot_starve_another()
    {
        await using var host = await AmazonTestHost.StartAsync(twoSellers: true);
        host.SeedOrders(1, AmazonTestHost.SellerB);
        var sellerBDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        host.Checkpoints.AfterSet = (name, _) =>
        {
            if (name.StartsWith($"amazon:{AmazonTestHost.SellerB}:", StringComparison.Ordinal) && name.EndsWith(":lastUpdatedAfter", StringComparison.Ordinal))
            {
                sellerBDone.TrySetResult();
            }
        };
        host.Fake.BeforeSearchOrders = seller => seller == AmazonTestHost.SellerA ? sellerBDone.Task : Task.CompletedTask;

        var result = await host.Poller.PollAsync(default); // Would never finish if seller A were polled first, alone.

        Assert.True(result.Succeeded);
        Assert.Single(host.Queue.Waiting);
    }

    [Fact]
    public async Task A_crash_between_pages_loses_and_duplicates_nothing()
    {
        await using var host = await AmazonTestHost.StartAsync(s => s["Channels:Amazon:MaxResultsPerPage"] = "2");
        var ids = host.SeedOrders(5);
        using var crash = new CancellationTokenSource();
        string? savedCursor = null;
        host.Checkpoints.AfterSet = (name, value) =>
        {
            if (name.EndsWith(":cursor", StringComparison.Ordinal) && value.Length > 0 && savedCursor is null)
            {
                savedCursor = value;
                crash.Cancel(); // The process dies right after page 1 is queued and its cursor saved.
            }
        };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => host.Poller.PollAsync(crash.Token));
        Assert.Equal(2, host.Queue.Sends.Count);
        Assert.Null(host.Watermark());

        host.Checkpoints.AfterSet = null;
        var rerun = await host.Poller.PollAsync(default);

        Assert.True(rerun.Succeeded);
        var sent = host.Queue.Sends.Select(s => s.Message.MessageId).ToList();
        Assert.Equal(5, sent.Count);
        Assert.Equal(sent.Count, sent.Distinct().Count()); // Each order sent once in total, across both runs.
        Assert.Equal(ids.Order(), sent.Select(id => id.Split(':')[2]).Order());
        var windowEnd = JsonNode.Parse(savedCursor!)!["WindowEnd"]!.GetValue<DateTimeOffset>();
        Assert.Equal(windowEnd, DateTimeOffset.Parse(host.Watermark()!));
        Assert.Equal(string.Empty, host.Cursor());
    }

    [Fact]
    public async Task The_watermark_never_passes_an_order_that_was_not_queued()
    {
        await using var host = await AmazonTestHost.StartAsync(s => s["Channels:Amazon:MaxResultsPerPage"] = "2");
        host.SeedOrders(5);
        var earlier = DateTimeOffset.UtcNow.AddHours(-6).ToString("O");
        host.Checkpoints.Values[$"amazon:{AmazonTestHost.SellerA}:{AmazonTestHost.Marketplace}:lastUpdatedAfter"] = earlier;
        host.Queue.FailWhen = m => m.MessageId.Contains("-0000004", StringComparison.Ordinal); // The only order of page 3.

        var failed = await host.Poller.PollAsync(default);

        Assert.False(failed.Succeeded);
        Assert.IsType<IOException>(failed.Marketplaces[0].Error);
        Assert.Equal(4, host.Queue.Waiting.Count);
        Assert.Equal(earlier, host.Watermark()); // Not moved: one order of the window is not queued.
        var cursor = JsonNode.Parse(host.Cursor()!)!;
        Assert.False(string.IsNullOrEmpty(cursor["NextToken"]!.GetValue<string>())); // Pages 1 and 2 are recorded as done.

        host.Queue.FailWhen = null;
        var healed = await host.Poller.PollAsync(default);

        Assert.True(healed.Succeeded);
        Assert.Equal(1, healed.OrdersQueued); // Resumed at page 3; pages 1 and 2 were not fetched again.
        Assert.Equal(5, host.Queue.Waiting.Count);
        Assert.Equal(cursor["WindowEnd"]!.GetValue<DateTimeOffset>(), DateTimeOffset.Parse(host.Watermark()!));
    }

    [Fact]
    public async Task A_saved_pagination_token_amazon_refuses_restarts_the_window_from_the_watermark()
    {
        await using var host = await AmazonTestHost.StartAsync();
        host.SeedOrders(3);
        SaveCursor(host, "expired-token", savedAt: DateTimeOffset.UtcNow.AddMinutes(-30));

        var result = await host.Poller.PollAsync(default);

        Assert.True(result.Succeeded);
        Assert.Equal(3, host.Queue.Waiting.Count); // Nothing skipped: the whole window was read again.
        var searches = host.Fake.Requests.Where(r => r.Operation == "searchOrders").ToList();
        Assert.Contains("paginationToken=expired-token", searches[0].Query, StringComparison.Ordinal);
        Assert.DoesNotContain("paginationToken", searches[1].Query, StringComparison.Ordinal);
        Assert.Equal(string.Empty, host.Cursor());
        Assert.True(DateTimeOffset.Parse(host.Watermark()!) > DateTimeOffset.UtcNow.AddMinutes(-3));
    }

    [Fact]
    public async Task A_pagination_token_older_than_24_hours_is_not_sent_and_the_window_restarts_from_the_watermark()
    {
        await using var host = await AmazonTestHost.StartAsync(s => s["Channels:Amazon:MaxResultsPerPage"] = "2");
        host.SeedOrders(3);
        var earlier = DateTimeOffset.UtcNow.AddHours(-30);
        host.Checkpoints.Values[$"amazon:{AmazonTestHost.SellerA}:{AmazonTestHost.Marketplace}:lastUpdatedAfter"] = earlier.ToString("O");
        // A token the fake would still accept (the poller's own first token in this run is "fake:2").
        var validToken = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("fake:1"));
        SaveCursor(host, validToken, savedAt: host.Time.GetUtcNow().AddHours(-25));

        var result = await host.Poller.PollAsync(default);

        Assert.True(result.Succeeded);
        Assert.DoesNotContain(host.Fake.Requests, r => r.Query.Contains(Uri.EscapeDataString(validToken), StringComparison.Ordinal));
        Assert.Contains(Uri.EscapeDataString((earlier.AddMinutes(-5)).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'")), host.Fake.Requests.First().Query, StringComparison.Ordinal);
        Assert.Equal(3, host.Queue.Waiting.Count); // The page the old token pointed at and the ones before it: none lost.
        Assert.Equal(string.Empty, host.Cursor());
    }

    [Fact]
    public async Task A_cursor_saved_by_the_v0_poller_is_not_sent_to_searchOrders()
    {
        await using var host = await AmazonTestHost.StartAsync();
        host.SeedOrders(2);
        host.Checkpoints.Values[$"amazon:{AmazonTestHost.SellerA}:{AmazonTestHost.Marketplace}:cursor"] =
            new JsonObject { ["WindowStart"] = DateTimeOffset.UtcNow.AddDays(-1), ["WindowEnd"] = DateTimeOffset.UtcNow.AddMinutes(-30), ["NextToken"] = "v0-NextToken" }.ToJsonString();

        var result = await host.Poller.PollAsync(default);

        Assert.True(result.Succeeded);
        Assert.DoesNotContain(host.Fake.Requests, r => r.Query.Contains("v0-NextToken", StringComparison.Ordinal));
        Assert.Equal(2, host.Queue.Waiting.Count);
    }

    private static void SaveCursor(AmazonTestHost host, string token, DateTimeOffset savedAt) =>
        host.Checkpoints.Values[$"amazon:{AmazonTestHost.SellerA}:{AmazonTestHost.Marketplace}:cursor"] = new JsonObject
        {
            ["WindowStart"] = DateTimeOffset.UtcNow.AddDays(-1),
            ["WindowEnd"] = DateTimeOffset.UtcNow.AddMinutes(-30),
            ["NextToken"] = token,
            ["SavedAt"] = savedAt,
            ["Api"] = "orders/2026-01-01",
        }.ToJsonString();

    [Fact]
    public async Task An_unreadable_cursor_is_replaced_by_reading_the_window_again()
    {
        await using var host = await AmazonTestHost.StartAsync();
        host.SeedOrders(2);
        host.Checkpoints.Values[$"amazon:{AmazonTestHost.SellerA}:{AmazonTestHost.Marketplace}:cursor"] = "{not json";

        var result = await host.Poller.PollAsync(default);

        Assert.True(result.Succeeded);
        Assert.Equal(2, host.Queue.Waiting.Count);
        Assert.NotNull(host.Watermark());
    }

    [Fact]
    public async Task An_empty_page_queues_nothing_and_still_moves_the_watermark()
    {
        await using var host = await AmazonTestHost.StartAsync();

        var result = await host.Poller.PollAsync(default);

        var marketplace = Assert.Single(result.Marketplaces);
        Assert.Null(marketplace.Error);
        Assert.Equal(1, marketplace.Pages);
        Assert.Equal(0, marketplace.OrdersQueued);
        Assert.Empty(host.Queue.Sends);
        Assert.Equal(1, host.Fake.RequestCount("searchOrders"));
        Assert.NotNull(host.Watermark());
    }

    [Fact]
    public async Task Token_expiry_mid_run_is_refreshed_and_no_order_is_lost()
    {
        await using var host = await AmazonTestHost.StartAsync(s => s["Channels:Amazon:MaxResultsPerPage"] = "2");
        host.SeedOrders(4);
        host.Fake.ExpireTokenOnRequest = 2; // The second page's request.

        var result = await host.Poller.PollAsync(default);

        Assert.True(result.Succeeded);
        Assert.Equal(4, host.Queue.Waiting.Count);
        Assert.Equal(2, host.Fake.TokenRequests);
    }

    [Fact]
    public async Task One_failing_account_does_not_stop_the_others()
    {
        await using var host = await AmazonTestHost.StartAsync(twoSellers: true);
        host.SeedOrders(2, AmazonTestHost.SellerB);
        host.Fake.FailSeller(AmazonTestHost.SellerA, new Fault(System.Net.HttpStatusCode.ServiceUnavailable));

        var result = await host.Poller.PollAsync(default);

        Assert.NotNull(result.Marketplaces.Single(m => m.SellerId == AmazonTestHost.SellerA).Error);
        Assert.Null(result.Marketplaces.Single(m => m.SellerId == AmazonTestHost.SellerB).Error);
        Assert.Equal(2, host.Queue.Waiting.Count);
        Assert.Null(host.Watermark(AmazonTestHost.SellerA));
        Assert.NotNull(host.Watermark(AmazonTestHost.SellerB));

        // The Channels page's rows: A failed (why, without its refresh token), B succeeded.
        var failed = await host.Activity.GetAsync(ChannelActivityLog.PollAccount(AmazonOrderPoller.ActivityAccount(AmazonTestHost.SellerA, AmazonTestHost.Marketplace)), default);
        var polled = await host.Activity.GetAsync(ChannelActivityLog.PollAccount(AmazonOrderPoller.ActivityAccount(AmazonTestHost.SellerB, AmazonTestHost.Marketplace)), default);
        Assert.Null(failed.LastSuccessAt);
        Assert.NotNull(failed.LastFailureAt);
        Assert.Contains("503", failed.LastFailure, StringComparison.Ordinal);
        Assert.DoesNotContain(AmazonTestHost.RefreshTokenA, failed.LastFailure, StringComparison.Ordinal);
        Assert.NotNull(polled.LastSuccessAt);
        Assert.Null(polled.LastFailureAt);
    }

    [Fact(Timeout = 60_000)]
    public async Task Runs_never_overlap()
    {
        await using var host = await AmazonTestHost.StartAsync();
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        host.Fake.BeforeSearchOrders = async _ =>
        {
            entered.TrySetResult();
            await release.Task;
        };

        var first = host.Poller.PollAsync(default);
        await entered.Task;
        var second = await host.Poller.PollAsync(default);
        release.SetResult();

        Assert.True(second.Skipped);
        Assert.False((await first).Skipped);
        Assert.Equal(1, host.Fake.RequestCount("searchOrders"));
    }

    [Fact]
    public async Task Secrets_and_buyer_data_never_reach_the_logs()
    {
        await using var host = await AmazonTestHost.StartAsync();
        var ids = host.SeedOrders(2);
        host.Fake.ExpireTokenOnRequest = 2;
        host.Fake.EnqueueFault("searchOrders", new Fault(System.Net.HttpStatusCode.TooManyRequests, "1"));

        await host.Poller.PollAsync(default);

        var logs = string.Join('\n', host.Logs.Lines);
        Assert.NotEmpty(host.Logs.Lines);
        Assert.DoesNotContain(AmazonTestHost.RefreshTokenA, logs, StringComparison.Ordinal);
        Assert.DoesNotContain(FakeSellingPartnerApi.ClientSecret, logs, StringComparison.Ordinal);
        Assert.All(host.Fake.IssuedAccessTokens, token => Assert.DoesNotContain(token, logs, StringComparison.Ordinal));
        Assert.DoesNotContain("Atza|", logs, StringComparison.Ordinal);
        Assert.Equal(2, host.Queue.Waiting.Count);
        Assert.NotEmpty(ids);
        Assert.Contains(host.Archive.Payloads.Values, p => Encoding.UTF8.GetString(p.Body.Span).Contains("Test Store #1234", StringComparison.Ordinal));
        Assert.DoesNotContain("Test Store #1234", logs, StringComparison.Ordinal);
    }
}
