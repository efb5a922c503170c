using System.Net;
using OrderOps.Functions.Composition;

namespace OrderOps.Functions.Tests.Hosting;

/// <summary>How a failed queue message is recognised for the dead-letter list, and which queues the list knows.</summary>
public sealed class QueueFailureTests : IDisposable
{
    private readonly AppFactory _app = new();

    public void Dispose() => _app.Dispose();

    [Fact]
    public void The_raw_message_and_its_delivery_count_are_read_from_the_queue_triggers_binding_data()
    {
        // The Storage queue extension's binding data names (QueueTrigger, DequeueCount, Id...); the count arrives as text.
        var described = QueueFailureMiddleware.Describe(new Dictionary<string, object?>
        {
            ["QueueTrigger"] = "{\"archiveId\":\"a\"}",
            ["DequeueCount"] = "3",
            ["Id"] = "6f1c",
        });

        Assert.Equal(("{\"archiveId\":\"a\"}", 3), described);
        Assert.Null(QueueFailureMiddleware.Describe(new Dictionary<string, object?> { ["req"] = "GET /healthz" }));
    }

    [Theory]
    [InlineData("ingest", HttpStatusCode.OK)]
    [InlineData("outbound-events", HttpStatusCode.OK)]
    [InlineData("lifecycle", HttpStatusCode.NotFound)] // the lifecycle runs as orchestrations now, not over a queue
    [InlineData("inventory-changes", HttpStatusCode.OK)]
    [InlineData("nonsense", HttpStatusCode.NotFound)]
    public async Task Dead_letters_are_listed_for_the_apps_queues_and_404_for_any_other(string queue, HttpStatusCode expected)
    {
        using var client = _app.CreateKeyedClient();

        using var response = await client.GetAsync(new Uri($"/api/queues/{queue}/deadletters", UriKind.Relative));

        Assert.Equal(expected, response.StatusCode);
    }
}
