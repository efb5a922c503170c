using OrderOps.Core.Orders;

namespace OrderOps.Adapters.EdiX12.PurchaseOrders;

/// <summary>One N1 loop (N1 with its N2/N3/N4/PER): a party such as ship-to, bill-to or buyer.</summary>
internal sealed class PartyBuilder(string entityCode, string? name)
{
    public string EntityCode { get; } = entityCode;

    public string? Name { get; } = name;

    public List<string> AdditionalNames { get; } = [];

    public List<string> AddressLines { get; } = [];

    public string? City { get; set; }

    public string? Region { get; set; }

    public string? PostalCode { get; set; }

    public string? Country { get; set; }

    public string? ContactName { get; set; }

    public string? Phone { get; set; }

    public string? Email { get; set; }

    /// <summary>
    /// EDI parties are organisations (a store, a DC, an accounts-payable office): N102 is the company, N2 (often an
    /// attention line) the person's name when present.
    /// </summary>
    public Address ToAddress() => new()
    {
        Company = Name,
        Name = AdditionalNames.Count > 0 ? AdditionalNames[0] : ContactName,
        Line1 = AddressLines.Count > 0 ? AddressLines[0] : null,
        Line2 = AddressLines.Count > 1 ? string.Join(", ", AddressLines.Skip(1)) : null,
        City = City,
        Region = Region,
        PostalCode = PostalCode,
        CountryCode = X12Codes.ToAlpha2Country(Country),
        Phone = Phone,
    };
}
