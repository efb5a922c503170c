using System.Text;
using System.Text.Json.Nodes;
using OrderOps.Adapters.Amazon.Mapping;
using OrderOps.Adapters.Amazon.Polling;
using OrderOps.Adapters.Amazon.Tests.Fake;
using OrderOps.Core.Ingest;
using OrderOps.Core.Orders;
using OrderOps.Core.Ports;
using OrderOps.Core.Serialization;
using Xunit;

namespace OrderOps.Adapters.Amazon.Tests;

public sealed class AmazonOrderPollerTests
{
    [Fact]
    public async Task Follows_amazons_published_NextToken_pages_and_queues_each_order_once()
    {
        await using var host = await AmazonTestHost.StartAsync();
        host.Fake.ReplayPublishedPages = true;
        host.Fake.SetItems("902-3159896-1390916", Fixtures.PendingItem());

        var result = await host.Poller.PollAsync(default);

        Assert.True(result.Succeeded);
        var getOrders = host.Fake.Requests.Where(r => r.Operation == "getOrders").ToList();
        Assert.Equal(2, getOrders.Count);
        Assert.DoesNotContain("NextToken", getOrders[0].Query, StringComparison.Ordinal);
        Assert.Contains("NextToken=" + Uri.EscapeDataString(Fixtures.PublishedNextToken), getOrders[1].Query, StringComparison.Ordinal);

        // Amazon's two published pages carry the same order version: fetched, archived and queued once.
        Assert.Equal(1, host.Fake.RequestCount("getOrderItems"));
        var (queue, message) = Assert.Single(host.Queue.Sends);
        Assert.Equal(QueueNames.Ingest, queue);
        Assert.Equal("amazon:A1SELLERAAAAAA:902-3159896-1390916:2017-01-20T19:49:35Z", message.MessageId);
        var claim = OrderOpsJson.Deserialize<IngestMessage>(message.Body);
        Assert.Equal(new IngestMessage(message.MessageId, "amazon", "getOrders"), claim);

        // What was archived maps to the Pending order, unpriced.
        var archived = host.Archive.Payloads[claim.ArchiveId];
        Assert.Equal(AmazonTestHost.SellerA, archived.Account);
        var order = Assert.Single(new AmazonOrderMapper().Map(archived));
        Assert.Equal(FinancialStatus.Pending, order.FinancialStatus);
        Assert.Null(order.LineItems[0].UnitPrice);
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

        var second = host.Fake.Requests.Where(r => r.Operation == "getOrders").Last();
        var expected = Uri.EscapeDataString((watermark - TimeSpan.FromMinutes(5)).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"));
        Assert.Contains("LastUpdatedAfter=" + expected, second.Query, StringComparison.Ordinal);
        // The overlap re-reads the same order version: same message id, so the queue keeps one, and its items are
        // not fetched again because the archive already holds them.
        Assert.Single(host.Queue.Waiting);
        Assert.Equal(1, host.Fake.RequestCount("getOrderItems"));
    }

    [Fact]
    public async Task An_order_archived_by_a_run_that_died_before_sending_is_sent_without_refetching_items()
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
        Assert.Equal(1, host.Fake.RequestCount("getOrderItems"));
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
        host.Fake.BeforeGetOrders = seller => seller == AmazonTestHost.SellerA ? sellerBDone.Task : Task.CompletedTask;

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
    public async Task A_saved_NextToken_amazon_refuses_restarts_the_window_from_the_watermark()
    {
        await using var host = await AmazonTestHost.StartAsync();
        host.SeedOrders(3);
        var windowStart = DateTimeOffset.UtcNow.AddDays(-1);
        host.Checkpoints.Values[$"amazon:{AmazonTestHost.SellerA}:{AmazonTestHost.Marketplace}:cursor"] =
            new JsonObject { ["WindowStart"] = windowStart, ["WindowEnd"] = DateTimeOffset.UtcNow.AddMinutes(-30), ["NextToken"] = "expired-token" }.ToJsonString();

        var result = await host.Poller.PollAsync(default);

        Assert.True(result.Succeeded);
        Assert.Equal(3, host.Queue.Waiting.Count); // Nothing skipped: the whole window was read again.
        var getOrders = host.Fake.Requests.Where(r => r.Operation == "getOrders").ToList();
        Assert.Contains("NextToken=expired-token", getOrders[0].Query, StringComparison.Ordinal);
        Assert.DoesNotContain("NextToken", getOrders[1].Query, StringComparison.Ordinal);
        Assert.Equal(string.Empty, host.Cursor());
        Assert.True(DateTimeOffset.Parse(host.Watermark()!) > DateTimeOffset.UtcNow.AddMinutes(-3));
    }

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
        Assert.Equal(0, host.Fake.RequestCount("getOrderItems"));
        Assert.NotNull(host.Watermark());
    }

    [Fact]
    public async Task Token_expiry_mid_run_is_refreshed_and_no_order_is_lost()
    {
        await using var host = await AmazonTestHost.StartAsync(s => s["Channels:Amazon:MaxResultsPerPage"] = "2");
        host.SeedOrders(4);
        host.Fake.ExpireTokenOnRequest = 4; // In the middle of the run's getOrderItems calls.

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
    }

    [Fact(Timeout = 60_000)]
    public async Task Runs_never_overlap()
    {
        await using var host = await AmazonTestHost.StartAsync();
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        host.Fake.BeforeGetOrders = async _ =>
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
        Assert.Equal(1, host.Fake.RequestCount("getOrders"));
    }

    [Fact]
    public async Task Secrets_and_buyer_data_never_reach_the_logs()
    {
        await using var host = await AmazonTestHost.StartAsync();
        var ids = host.SeedOrders(2);
        host.Fake.ExpireTokenOnRequest = 2;
        host.Fake.EnqueueFault("getOrderItems", new Fault(System.Net.HttpStatusCode.TooManyRequests, "1"));

        await host.Poller.PollAsync(default);

        var logs = string.Join('\n', host.Logs.Lines);
        Assert.NotEmpty(host.Logs.Lines);
        Assert.DoesNotContain(AmazonTestHost.RefreshTokenA, logs, StringComparison.Ordinal);
        Assert.DoesNotContain(FakeSellingPartnerApi.ClientSecret, logs, StringComparison.Ordinal);
        Assert.All(host.Fake.IssuedAccessTokens, token => Assert.DoesNotContain(token, logs, StringComparison.Ordinal));
        Assert.DoesNotContain("Atza|", logs, StringComparison.Ordinal);
        Assert.Equal(2, host.Queue.Waiting.Count);
        Assert.NotEmpty(ids);
        Assert.Contains(host.Archive.Payloads.Values, p => Encoding.UTF8.GetString(p.Body.Span).Contains("MFNIntegrationTestMerchant", StringComparison.Ordinal));
    }
}
