using System.Diagnostics;

namespace OrderOps.Testing.Azure;

/// <summary>
/// Azurite and cosmosdb-server for the Azure backend: the ones the ORDEROPS_* variables name (as test.sh exports them),
/// or started with tests/emulators/start.sh into a temporary folder and stopped with stop.sh on dispose. Shared by the
/// load drivers.
/// </summary>
public sealed class Emulators : IAsyncDisposable
{
    private readonly string? _state;

    private Emulators(IReadOnlyDictionary<string, string> values, string? state)
    {
        StorageConnectionString = values["ORDEROPS_STORAGE_CONNECTION_STRING"];
        CosmosEndpoint = values["ORDEROPS_COSMOS_ENDPOINT"];
        CosmosKey = values["ORDEROPS_COSMOS_KEY"];
        CosmosIsEmulator = values.TryGetValue("ORDEROPS_COSMOS_EMULATOR", out var emulator) && emulator is "1" or "true";
        _state = state;
    }

    public string StorageConnectionString { get; }

    public string CosmosEndpoint { get; }

    public string CosmosKey { get; }

    public bool CosmosIsEmulator { get; }

    public static async Task<Emulators> StartAsync()
    {
        string[] names = ["ORDEROPS_STORAGE_CONNECTION_STRING", "ORDEROPS_COSMOS_ENDPOINT", "ORDEROPS_COSMOS_KEY", "ORDEROPS_COSMOS_EMULATOR"];
        var fromEnvironment = names.Select(n => (n, v: Environment.GetEnvironmentVariable(n))).Where(p => !string.IsNullOrEmpty(p.v)).ToDictionary(p => p.n, p => p.v!);
        if (fromEnvironment.Count >= 3)
        {
            Console.WriteLine("emulators: using the ones named by the ORDEROPS_* variables");
            return new Emulators(fromEnvironment, null);
        }

        var state = Path.Combine(Path.GetTempPath(), "orderops-load-emulators-" + Guid.NewGuid().ToString("N"));
        await RunAsync("start.sh", state);
        var values = File.ReadAllLines(Path.Combine(state, "env"))
            .Select(line => line.StartsWith("export ", StringComparison.Ordinal) ? line[7..] : line)
            .Select(line => line.Split('=', 2))
            .Where(parts => parts.Length == 2)
            .ToDictionary(parts => parts[0], parts => parts[1].Trim('\''));
        return new Emulators(values, state);
    }

    public async ValueTask DisposeAsync()
    {
        if (_state is not null)
        {
            await RunAsync("stop.sh", _state);
        }
    }

    private static async Task RunAsync(string script, string state)
    {
        var path = Path.Combine(RepositoryPaths.Root, "tests", "emulators", script);
        using var process = Process.Start(new ProcessStartInfo(path) { ArgumentList = { state } }) ?? throw new InvalidOperationException($"{script} did not start.");
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{script} failed ({process.ExitCode}); did you run `npm ci --prefix tests`?");
        }
    }
}
