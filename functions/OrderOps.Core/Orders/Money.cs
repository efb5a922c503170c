namespace OrderOps.Core.Orders;

/// <summary>An amount of money: a decimal (never a binary float) with its ISO 4217 currency code.</summary>
public readonly record struct Money(decimal Amount, string Currency)
{
    public static Money Zero(string currency) => new(0m, currency);

    public static Money operator +(Money left, Money right)
    {
        EnsureSameCurrency(left, right);
        return new(left.Amount + right.Amount, left.Currency);
    }

    public override string ToString() => FormattableString.Invariant($"{Amount} {Currency}");

    private static void EnsureSameCurrency(Money left, Money right)
    {
        if (!string.Equals(left.Currency, right.Currency, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Cannot add {left.Currency} to {right.Currency}.");
        }
    }
}
