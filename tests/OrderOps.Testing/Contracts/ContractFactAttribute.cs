using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace OrderOps.Testing.Contracts;

/// <summary>
/// A contract test. It runs like <c>[Fact]</c>, except that a backend's test class can declare it needs something the
/// machine may lack (<see cref="IContractPrecondition"/>, e.g. the Azure emulators); the test is then reported as
/// skipped with the precondition's reason instead of failing for a reason that is not the backend's.
/// </summary>
[XunitTestCaseDiscoverer("OrderOps.Testing.Contracts.ContractFactDiscoverer", "OrderOps.Testing")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class ContractFactAttribute : FactAttribute;

/// <summary>Put on a contract subclass: <see cref="SkipReason"/> non-null skips every contract test of that class.</summary>
public interface IContractPrecondition
{
    string? SkipReason { get; }
}

public sealed class ContractFactDiscoverer(IMessageSink diagnosticMessageSink) : IXunitTestCaseDiscoverer
{
    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute)
    {
        yield return new ContractTestCase(diagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod);
    }
}

public sealed class ContractTestCase : XunitTestCase
{
    [Obsolete("Called by the de-serializer; should only be called by deriving classes for de-serialization purposes")]
    public ContractTestCase()
    {
    }

    public ContractTestCase(IMessageSink sink, TestMethodDisplay display, TestMethodDisplayOptions options, ITestMethod testMethod)
        : base(sink, display, options, testMethod)
    {
    }

    protected override string GetSkipReason(IAttributeInfo factAttribute) =>
        ContractPreconditions.SkipReason(TestMethod) ?? base.GetSkipReason(factAttribute);
}

/// <summary>A contract theory: like <c>[Theory]</c>, skipped with the reason when its class's precondition is not met.</summary>
[XunitTestCaseDiscoverer("OrderOps.Testing.Contracts.ContractTheoryDiscoverer", "OrderOps.Testing")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class ContractTheoryAttribute : TheoryAttribute;

public sealed class ContractTheoryDiscoverer(IMessageSink diagnosticMessageSink) : TheoryDiscoverer(diagnosticMessageSink)
{
    private readonly IMessageSink _sink = diagnosticMessageSink;

    /// <summary>Unmet precondition: one skipped case (reporting the reason) instead of one case per data row.</summary>
    public override IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo theoryAttribute) =>
        ContractPreconditions.SkipReason(testMethod) is not null
            ? [new ContractTestCase(_sink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod)]
            : base.Discover(discoveryOptions, testMethod, theoryAttribute);
}

internal static class ContractPreconditions
{
    /// <summary>The skip reason of the first precondition on the test's class (inherited ones included), or null.</summary>
    public static string? SkipReason(ITestMethod testMethod) =>
        testMethod.TestClass.Class.ToRuntimeType()?.GetCustomAttributes(inherit: true).OfType<IContractPrecondition>().FirstOrDefault()?.SkipReason;
}
