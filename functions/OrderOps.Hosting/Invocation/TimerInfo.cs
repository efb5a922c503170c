namespace OrderOps.Hosting.Invocation;

/// <summary>The timer trigger's value, exactly as Azure Functions documents it.</summary>
public sealed record TimerInfo(TimerSchedule Schedule, TimerScheduleStatus? ScheduleStatus, bool IsPastDue);

public sealed record TimerSchedule(bool AdjustForDST);

public sealed record TimerScheduleStatus(DateTimeOffset Last, DateTimeOffset Next, DateTimeOffset LastUpdated);
