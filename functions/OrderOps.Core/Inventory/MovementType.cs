namespace OrderOps.Core.Inventory;

/// <summary>What a stock movement does to the on-hand and allocated quantities at its location.</summary>
public enum MovementType
{
    /// <summary>Goods arrived: on hand +q.</summary>
    Receipt,

    /// <summary>Units promised to an order: allocated +q; refused when available &lt; q.</summary>
    Allocation,

    /// <summary>An allocation given back: allocated −q.</summary>
    Release,

    /// <summary>Allocated units left the building: on hand −q and allocated −q.</summary>
    Shipment,

    /// <summary>A count correction, signed: on hand ±q; never below zero.</summary>
    Adjustment,

    /// <summary>A customer return put back into stock: on hand +q.</summary>
    Return,

    /// <summary>Unallocated units moved to <see cref="StockMovement.ToLocation"/>: on hand −q here, +q there.</summary>
    Transfer,
}
