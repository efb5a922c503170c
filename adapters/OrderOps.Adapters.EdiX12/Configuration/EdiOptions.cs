namespace OrderOps.Adapters.EdiX12.Configuration;

/// <summary>
/// EDI channel settings, bound from configuration section <see cref="SectionName"/> (<c>Channels:Edi</c>), e.g.
/// <c>Channels:Edi:InterchangeReceiverId</c> and <c>Channels:Edi:Partners:acme:InterchangeSenderId</c>.
/// </summary>
public sealed class EdiOptions
{
    public const string SectionName = "Channels:Edi";

    /// <summary>Our own interchange id: inbound ISA08 must equal it; outbound acknowledgments send from it.</summary>
    public string InterchangeReceiverId { get; set; } = string.Empty;

    /// <summary>Qualifier of <see cref="InterchangeReceiverId"/> (ISA07), e.g. ZZ (mutually defined), 01 (DUNS), 12 (phone).</summary>
    public string InterchangeReceiverQualifier { get; set; } = "ZZ";

    /// <summary>Trading partners by partner id. The partner id becomes the orders' channelAccount.</summary>
    public Dictionary<string, EdiPartnerOptions> Partners { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Six-field NCRONTAB schedule of the 846 inventory advice to partners that want it (hourly by default).</summary>
    public string InventoryAdviceSchedule { get; set; } = "0 0 * * * *";

    /// <summary>How long a partner's interchange control number is remembered to detect a repeated interchange.</summary>
    public TimeSpan DuplicateInterchangeWindow { get; set; } = TimeSpan.FromDays(365);

    /// <summary>Problems that make the options unusable; empty when they are fine.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(InterchangeReceiverId) || InterchangeReceiverId.Trim().Length > 15)
        {
            problems.Add($"{SectionName}:InterchangeReceiverId must be 1 to 15 characters.");
        }

        if (InterchangeReceiverQualifier.Trim().Length != 2)
        {
            problems.Add($"{SectionName}:InterchangeReceiverQualifier must be 2 characters.");
        }

        foreach (var (partnerId, partner) in Partners)
        {
            var path = $"{SectionName}:Partners:{partnerId}";
            if (string.IsNullOrWhiteSpace(partnerId) || partnerId.Contains(':'))
            {
                problems.Add($"{path}: the partner id must be non-blank and must not contain ':' (it is part of order ids).");
            }

            if (string.IsNullOrWhiteSpace(partner.InterchangeSenderId) || partner.InterchangeSenderId.Trim().Length > 15)
            {
                problems.Add($"{path}:InterchangeSenderId must be 1 to 15 characters.");
            }

            if (partner.InterchangeSenderQualifier.Trim().Length != 2)
            {
                problems.Add($"{path}:InterchangeSenderQualifier must be 2 characters.");
            }

            if (!OrderOps.Core.Orders.Iso4217.IsValid(partner.DefaultCurrency))
            {
                problems.Add($"{path}:DefaultCurrency must be an ISO 4217 code.");
            }

            if (partner.OutboundSeparators() is null)
            {
                problems.Add($"{path}: ElementSeparator, ComponentSeparator and SegmentTerminator must be one character each, distinct, and not a letter, digit or space.");
            }
        }

        return problems;
    }
}

/// <summary>One trading partner, recognised by the ISA sender qualifier and id (and the GS sender when given).</summary>
public sealed class EdiPartnerOptions
{
    /// <summary>ISA06 the partner sends from (without its space padding).</summary>
    public string InterchangeSenderId { get; set; } = string.Empty;

    /// <summary>ISA05, e.g. ZZ, 01, 08, 12.</summary>
    public string InterchangeSenderQualifier { get; set; } = "ZZ";

    /// <summary>GS02 the partner sends from; when set, it must match too (partners sharing one ISA id, e.g. via a VAN).</summary>
    public string? ApplicationSenderId { get; set; }

    /// <summary>Currency of orders whose 850 has no CUR segment. X12 has no default currency; USD is the usual one in US retail.</summary>
    public string DefaultCurrency { get; set; } = "USD";

    /// <summary>True to send this partner an 846 inventory advice on <see cref="EdiOptions.InventoryAdviceSchedule"/>.</summary>
    public bool InventoryAdvice { get; set; }

    /// <summary>Element separator of what we send this partner (846, 855, 856). 997s echo the inbound interchange's own.</summary>
    public string ElementSeparator { get; set; } = "*";

    /// <summary>Component (sub-element) separator, ISA16, of what we send this partner.</summary>
    public string ComponentSeparator { get; set; } = ">";

    /// <summary>Segment terminator of what we send this partner.</summary>
    public string SegmentTerminator { get; set; } = "~";

    /// <summary>
    /// The separators of our interchanges to this partner, or null when the settings are not usable. No repetition
    /// separator: we send ISA12 00401, where ISA11 is the standards identifier "U".
    /// </summary>
    public Parsing.X12Separators? OutboundSeparators()
    {
        if (ElementSeparator is not { Length: 1 } element || ComponentSeparator is not { Length: 1 } component || SegmentTerminator is not { Length: 1 } segment
            || !char.IsAscii(element[0]) || !char.IsAscii(component[0]) || !char.IsAscii(segment[0]))
        {
            return null;
        }

        var separators = new Parsing.X12Separators((byte)element[0], (byte)component[0], (byte)segment[0], null);
        return separators.AreUsable() ? separators : null;
    }
}
