using OrderOps.Core.Ports;
using OrderOps.Core.Serialization;

namespace OrderOps.Core.Lifecycle;

/// <summary>
/// The orchestration's own state, stored as JSON in <see cref="OrderRecord.ProcessState"/> and saved with the order
/// under its ETag: the allocation, what was released where, the compensations owed, shipments, pending timers and
/// exceptions. The order's orchestration carries it as data from event to event and writes a copy to the order
/// record after each step (<see cref="Step"/> orders those writes), which is what the order API shows.
/// </summary>
public sealed class ProcessState
{
    public string State { get; set; } = LifecycleStates.Received;

    public List<PlannedLine> Allocation { get; set; } = [];

    public List<string> ReleasedLocations { get; set; } = [];

    public List<string> AcknowledgedLocations { get; set; } = [];

    /// <summary>Compensations owed, in the order the steps were done; run in reverse.</summary>
    public List<OwedCompensation> Owed { get; set; } = [];

    public List<ShipmentRecord> Shipments { get; set; } = [];

    public bool DeliveryReported { get; set; }

    public bool AcceptanceAcknowledged { get; set; }

    public bool CancellationAcknowledged { get; set; }

    /// <summary>The channel's own cancellation (on the canonical order) has been acted on once.</summary>
    public bool ChannelCancellationSeen { get; set; }

    /// <summary>The order waits for the channel (Amazon Pending) and that was recorded once.</summary>
    public bool AwaitingChannelNoted { get; set; }

    public string? CancelReason { get; set; }

    public bool CancelledByChannel { get; set; }

    /// <summary>Checks an operator chose to skip: "validation", "review".</summary>
    public List<string> Overrides { get; set; } = [];

    public List<PendingTimer> Timers { get; set; } = [];

    public List<LifecycleException> Exceptions { get; set; } = [];

    public int TimerSequence { get; set; }

    public int ExceptionSequence { get; set; }

    /// <summary>Attempts per timer kind under the Retry policy.</summary>
    public Dictionary<string, int> RetryAttempts { get; set; } = [];

    /// <summary>How many steps have been saved to the order record; a repeated save of an older step changes nothing.</summary>
    public int Step { get; set; }

    /// <summary>The order's lines when it was allocated (id, SKU, quantity), to notice the channel changing them.</summary>
    public string? AllocatedLines { get; set; }

    /// <summary>
    /// Which reservation of the order is current. The inventory ledger never reserves a released id again (so a late
    /// or stale attempt cannot hold stock for a cancelled order); an order whose reservation was given back and that is
    /// allocated again (a failed release, lines changed after an interrupted attempt) takes the next generation.
    /// </summary>
    public int ReservationGeneration { get; set; } = 1;

    /// <summary>The current reservation's id in the ledger: the order id itself, then <c>{orderId}~{generation}</c>.</summary>
    public string ReservationId(string orderId) =>
        ReservationGeneration <= 1 ? orderId : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{orderId}~{ReservationGeneration}");

    public static ProcessState Parse(string? json) => string.IsNullOrEmpty(json) ? new ProcessState() : OrderOpsJson.Deserialize<ProcessState>(json);

    public string ToJson() => OrderOpsJson.Serialize(this);

    [System.Text.Json.Serialization.JsonIgnore]
    public IEnumerable<LifecycleException> OpenExceptions => Exceptions.Where(e => e.IsOpen);

    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsBlocked => OpenExceptions.Any(e => ExceptionKinds.Blocks(e.Kind));

    /// <summary>Units reserved and not yet shipped, per (location, SKU): what this order should hold in stock.</summary>
    public IEnumerable<AllocationLine> OpenAllocation()
    {
        if (Owed.All(o => o.Kind != OwedCompensation.ReleaseReservation))
        {
            return [];
        }

        var shipped = Shipments.SelectMany(s => s.Lines.Select(l => (s.LocationId, l.Sku, l.Quantity)))
            .GroupBy(x => (x.LocationId, x.Sku)).ToDictionary(g => g.Key, g => g.Sum(x => x.Quantity));
        return Allocation.GroupBy(a => (a.LocationId, a.Sku))
            .Select(g => new AllocationLine(g.Key.LocationId, g.Key.Sku, Math.Max(0, g.Sum(a => a.Quantity) - shipped.GetValueOrDefault(g.Key))))
            .Where(a => a.Quantity > 0);
    }
}

public sealed record PlannedLine(string LineId, string Sku, string LocationId, int Quantity);

public sealed record OwedCompensation(string Kind, string? LocationId = null)
{
    public const string ReleaseReservation = "release-reservation";
    public const string CancelAtLocation = "cancel-at-location";
}

public sealed record ShipmentRecord(string ShipmentId, string LocationId, string? Carrier, string? TrackingNumber, string? TrackingUrl, DateTimeOffset At, IReadOnlyList<ShipmentRecordLine> Lines)
{
    public bool ChannelNotified { get; set; }
}

public sealed record ShipmentRecordLine(string LineId, string Sku, int Quantity);

public sealed record PendingTimer(string TimerId, string Kind, DateTimeOffset DueAt, string? LocationId = null);
