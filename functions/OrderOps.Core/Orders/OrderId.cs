namespace OrderOps.Core.Orders;

/// <summary>
/// Deterministic order ids: <c>{channel}:{account}:{channelOrderId}</c>, e.g.
/// <c>shopify:example.myshopify.com:450789469</c>. The same channel order always gets the same id,
/// which is what makes ingest idempotent across redeliveries and topics.
/// </summary>
public static class OrderId
{
    public static string Compose(string channel, string account, string channelOrderId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(channel);
        ArgumentException.ThrowIfNullOrWhiteSpace(account);
        ArgumentException.ThrowIfNullOrWhiteSpace(channelOrderId);
        if (channel.Contains(':') || account.Contains(':'))
        {
            throw new ArgumentException("Channel and account must not contain ':' because it separates the parts of an order id.");
        }

        return $"{channel}:{account}:{channelOrderId}";
    }

    /// <summary>Splits an order id into its parts; false when it is not of the documented shape.</summary>
    public static bool TryParse(string? orderId, out string channel, out string account, out string channelOrderId)
    {
        channel = account = channelOrderId = string.Empty;
        if (string.IsNullOrWhiteSpace(orderId))
        {
            return false;
        }

        var first = orderId.IndexOf(':', StringComparison.Ordinal);
        var second = first < 0 ? -1 : orderId.IndexOf(':', first + 1);
        if (first <= 0 || second <= first + 1 || second == orderId.Length - 1)
        {
            return false;
        }

        channel = orderId[..first];
        account = orderId[(first + 1)..second];
        channelOrderId = orderId[(second + 1)..];
        return true;
    }
}
