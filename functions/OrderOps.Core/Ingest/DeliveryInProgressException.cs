namespace OrderOps.Core.Ingest;

/// <summary>
/// The same delivery is being accepted by another call at this moment (<see cref="AcceptOutcome.InProgress"/>); nothing
/// was done for this one. Retrying shortly finds it accepted (a duplicate) or lets it through.
/// </summary>
public sealed class DeliveryInProgressException(string message) : Exception(message);
