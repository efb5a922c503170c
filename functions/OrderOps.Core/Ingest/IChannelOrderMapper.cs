using OrderOps.Core.Orders;
using OrderOps.Core.Ports;

namespace OrderOps.Core.Ingest;

/// <summary>
/// Turns one archived channel payload into canonical orders. One per channel; the ingest function picks it by
/// <see cref="Channel"/>. Mappers are pure: no I/O, so a payload can be replayed at any time.
/// </summary>
public interface IChannelOrderMapper
{
    string Channel { get; }

    /// <summary>Maps the payload. An EDI interchange can hold several orders, hence a list.</summary>
    /// <exception cref="ChannelPayloadException">The payload cannot be mapped; retrying will not help.</exception>
    IReadOnlyList<CanonicalOrder> Map(RawPayload payload);
}

/// <summary>
/// A mapper for payloads that may be far larger than memory (EDI files): reads the archived body as a stream and hands
/// each order on as it is read, holding none of them. <paramref name="openBody"/> may be called more than once (a
/// checking pass before the mapping pass).
/// </summary>
public interface IStreamingChannelOrderMapper : IChannelOrderMapper
{
    /// <exception cref="ChannelPayloadException">The payload cannot be mapped; retrying will not help.</exception>
    Task MapAsync(RawPayload payload, Func<CancellationToken, Task<Stream>> openBody, Func<CanonicalOrder, CancellationToken, ValueTask> onOrder, CancellationToken cancellationToken);
}

/// <summary>A payload that is well-signed but cannot become an order. Permanent: recorded as an ingest failure.</summary>
public sealed class ChannelPayloadException : Exception
{
    public ChannelPayloadException(string message)
        : base(message)
    {
    }

    public ChannelPayloadException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
