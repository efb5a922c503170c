using Microsoft.Azure.Cosmos;

namespace OrderOps.Testing.Azure;

/// <summary>
/// Where the Azure backend's tests find their services. test.sh starts Azurite and cosmosdb-server and sets these; a
/// real Cosmos DB account (or the Cosmos DB emulator) is used instead when its endpoint and key are given.
/// <list type="bullet">
/// <item><c>ORDEROPS_STORAGE_CONNECTION_STRING</c>: a Storage connection string (Azurite's, with its ports)</item>
/// <item><c>ORDEROPS_COSMOS_ENDPOINT</c>, <c>ORDEROPS_COSMOS_KEY</c>: a Cosmos DB endpoint and account key</item>
/// <item><c>ORDEROPS_COSMOS_EMULATOR=1</c>: Gateway mode limited to that endpoint, self-signed certificate accepted</item>
/// <item><c>ORDEROPS_REQUIRE_AZURE_TESTS=1</c>: missing settings fail the tests instead of skipping them (CI)</item>
/// </list>
/// </summary>
public static class AzureTestEnvironment
{
    public static string? StorageConnectionString => Value("ORDEROPS_STORAGE_CONNECTION_STRING");

    public static string? CosmosEndpoint => Value("ORDEROPS_COSMOS_ENDPOINT");

    public static string? CosmosKey => Value("ORDEROPS_COSMOS_KEY");

    public static bool CosmosIsEmulator => Value("ORDEROPS_COSMOS_EMULATOR") is "1" or "true";

    public static bool Required => Value("ORDEROPS_REQUIRE_AZURE_TESTS") is "1" or "true";

    /// <summary>Why the Azure tests cannot run here, or null when they can.</summary>
    public static string? Missing =>
        (StorageConnectionString, CosmosEndpoint, CosmosKey) switch
        {
            (null, _, _) => "ORDEROPS_STORAGE_CONNECTION_STRING is not set",
            (_, null, _) => "ORDEROPS_COSMOS_ENDPOINT is not set",
            (_, _, null) => "ORDEROPS_COSMOS_KEY is not set",
            _ => null,
        };

    /// <summary>Null when the tests must run: settings present, or required (then they fail with <see cref="Missing"/>).</summary>
    public static string? SkipReason =>
        Missing is { } missing && !Required
            ? $"Azure backend tests need the emulators: {missing}. Run ./test.sh (it installs and starts Azurite and cosmosdb-server), or set the ORDEROPS_* variables (see tests/OrderOps.Testing/Azure/AzureTestEnvironment.cs)."
            : null;

    /// <summary>
    /// Creates a database named <paramref name="prefix"/> plus a unique suffix and returns the name. cosmosdb-server
    /// encodes resource ids in standard base64, so about one database in 64 gets an id containing '/', which breaks the
    /// SDK's id-based routing: its queries then fail with 404 "failed due to stale cache", for ever. (A real account's
    /// ids use a URL-safe alphabet.) Such a database is dropped and another one created.
    /// </summary>
    public static async Task<string> CreateCosmosDatabaseAsync(CosmosClient client, string prefix)
    {
        ArgumentNullException.ThrowIfNull(client);
        while (true)
        {
            var name = prefix + Guid.NewGuid().ToString("N")[..12];
            var created = await client.CreateDatabaseAsync(name);
            if (!created.Resource.SelfLink.Trim('/')["dbs/".Length..].Contains('/', StringComparison.Ordinal))
            {
                return name;
            }

            await created.Database.DeleteAsync();
        }
    }

    private static string? Value(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;
}

/// <summary>Skips the class's contract tests, with the reason, when the emulators are not configured and not required.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class NeedsAzureServicesAttribute : Attribute, OrderOps.Testing.Contracts.IContractPrecondition
{
    public string? SkipReason => AzureTestEnvironment.SkipReason;
}
