using OrderOps.Core.Ports;

namespace OrderOps.Core.Inventory.ChannelSync;

/// <summary>One channel account: the publisher that pushes to it and the singleton orchestration that drives it.</summary>
public sealed record ChannelAccount(string Channel, string InstanceId, IChannelInventoryPublisher Publisher, ChannelInventoryOptions Options)
{
    /// <summary>The pace of the account's pushes: the channel's configured rate, else the publisher's documented one; null when unpaced.</summary>
    public double? PushesPerSecond => Options.MaxPushesPerSecond ?? Publisher.PushesPerSecond;
}

/// <summary>
/// The accounts inventory is pushed to: every registered publisher whose channel is configured and enabled under
/// <c>Inventory:Channels</c>, each with its orchestration's instance id <c>channel-sync:{account}</c>
/// (<c>channel-sync:shopify:acme.myshopify.com</c>, <c>channel-sync:amazon:A2EXAMPLE</c>).
/// </summary>
public sealed class ChannelAccounts
{
    public const string InstanceIdPrefix = "channel-sync:";

    private readonly Dictionary<string, ChannelAccount> _byChannel = new(StringComparer.OrdinalIgnoreCase);

    public ChannelAccounts(IEnumerable<IChannelInventoryPublisher> publishers, InventoryOptions options)
    {
        ArgumentNullException.ThrowIfNull(publishers);
        ArgumentNullException.ThrowIfNull(options);
        foreach (var publisher in publishers)
        {
            if (!options.Channels.TryGetValue(publisher.Channel, out var channel) || !channel.Enabled)
            {
                continue;
            }

            var account = new ChannelAccount(publisher.Channel, InstanceIdPrefix + publisher.Account.ToLowerInvariant(), publisher, channel);
            if (!_byChannel.TryAdd(publisher.Channel, account))
            {
                throw new InvalidOperationException($"Two inventory publishers push to channel '{publisher.Channel}': give each account its own Inventory:Channels entry.");
            }

            if (_byChannel.Values.Count(a => a.InstanceId == account.InstanceId) > 1)
            {
                throw new InvalidOperationException($"Two inventory channels push to the same account ({account.InstanceId}): one account is driven by one orchestration, so it takes one channel.");
            }
        }
    }

    public IReadOnlyCollection<ChannelAccount> All => _byChannel.Values;

    /// <summary>The account of <paramref name="channel"/>, or null when no enabled publisher pushes to it.</summary>
    public ChannelAccount? Find(string channel) => _byChannel.GetValueOrDefault(channel);
}
