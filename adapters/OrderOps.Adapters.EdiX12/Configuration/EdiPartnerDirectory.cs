namespace OrderOps.Adapters.EdiX12.Configuration;

/// <summary>A configured partner, resolved by its envelope ids.</summary>
public sealed record EdiPartner(string PartnerId, EdiPartnerOptions Options);

/// <summary>Finds the trading partner an interchange comes from by ISA05/ISA06 and, when configured, GS02.</summary>
internal sealed class EdiPartnerDirectory
{
    private readonly EdiOptions _options;

    public EdiPartnerDirectory(EdiOptions options)
    {
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid EDI options: " + string.Join(" ", problems), nameof(options));
        }

        _options = options;
    }

    public bool IsOurReceiverId(string qualifier, string receiverId) =>
        string.Equals(qualifier.Trim(), _options.InterchangeReceiverQualifier.Trim(), StringComparison.Ordinal)
        && string.Equals(receiverId.Trim(), _options.InterchangeReceiverId.Trim(), StringComparison.Ordinal);

    /// <summary>True when some partner sends from this ISA id, whatever its GS02.</summary>
    public bool HasInterchangeSender(string qualifier, string senderId) =>
        _options.Partners.Values.Any(p => MatchesInterchange(p, qualifier, senderId));

    /// <summary>The partner for an ISA sender and GS02; null when none is configured.</summary>
    public EdiPartner? Find(string qualifier, string senderId, string? applicationSenderId)
    {
        // Ordinal order of ids so that resolution does not depend on configuration provider ordering.
        foreach (var (id, partner) in _options.Partners.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (MatchesInterchange(partner, qualifier, senderId)
                && (partner.ApplicationSenderId is null || applicationSenderId is null
                    || string.Equals(partner.ApplicationSenderId.Trim(), applicationSenderId.Trim(), StringComparison.Ordinal)))
            {
                if (partner.ApplicationSenderId is not null && applicationSenderId is null)
                {
                    continue;
                }

                return new EdiPartner(id, partner);
            }
        }

        return null;
    }

    public EdiPartner? FindById(string partnerId) =>
        _options.Partners.TryGetValue(partnerId, out var partner) ? new EdiPartner(partnerId, partner) : null;

    private static bool MatchesInterchange(EdiPartnerOptions partner, string qualifier, string senderId) =>
        string.Equals(partner.InterchangeSenderQualifier.Trim(), qualifier.Trim(), StringComparison.Ordinal)
        && string.Equals(partner.InterchangeSenderId.Trim(), senderId.Trim(), StringComparison.Ordinal);
}
