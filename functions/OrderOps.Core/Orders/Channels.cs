namespace OrderOps.Core.Orders;

/// <summary>The sales channels an order can come from. Values are the first part of every order id.</summary>
public static class Channels
{
    public const string Shopify = "shopify";
    public const string Amazon = "amazon";
    public const string Edi = "edi";

    public static IReadOnlyList<string> All { get; } = [Shopify, Amazon, Edi];

    public static bool IsKnown(string? channel) => channel is Shopify or Amazon or Edi;
}
