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
