using System.Diagnostics;
using System.Reflection;
using System.Text.Json.Nodes;
using OrderOps.Testing;

namespace OrderOps.Functions.Tests.Infrastructure;

/// <summary>
/// Compiles infra/ with the real Bicep CLI (the Azure.Bicep.CommandLine NuGet package, pinned in
/// Directory.Packages.props): type errors, unknown properties for the pinned API versions and linter warnings fail here,
/// not at deployment.
/// </summary>
public sealed class BicepCompilationTests
{
    [Fact]
    public async Task Main_bicep_compiles_to_an_ARM_template_with_no_errors_or_warnings()
    {
        var (exitCode, template, diagnostics) = await BuildAsync(Path.Combine(RepositoryPaths.Root, "infra", "main.bicep"));

        Assert.True(exitCode == 0 && diagnostics.Length == 0, $"bicep build exited {exitCode}:\n{diagnostics}");
        var json = JsonNode.Parse(template)!;
        Assert.Equal("1.0.0.0", (string?)json["contentVersion"]);
        Assert.EndsWith("/subscriptionDeploymentTemplate.json#", (string?)json["$schema"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_broken_template_is_reported_so_the_check_above_can_fail()
    {
        var broken = Path.Combine(Path.GetTempPath(), $"orderops-broken-{Guid.NewGuid():N}.bicep");
        await File.WriteAllTextAsync(broken, "resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {\n  name: 'x'\n  location: 'westeurope'\n  kind: 'StorageV2'\n  sku: { name: 'Standard_LRS' }\n  properties: { notAProperty: true }\n}\n");
        try
        {
            var (_, _, diagnostics) = await BuildAsync(broken);
            Assert.Contains("notAProperty", diagnostics, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(broken);
        }
    }

    private static async Task<(int ExitCode, string Template, string Diagnostics)> BuildAsync(string file)
    {
        var bicep = typeof(BicepCompilationTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "BicepPath").Value;
        Assert.True(File.Exists(bicep), $"The Bicep CLI from the Azure.Bicep.CommandLine.linux-x64 package was not found at '{bicep}' (this check runs on linux-x64).");
        using var process = Process.Start(new ProcessStartInfo(bicep!, ["build", file, "--stdout"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["BICEP_TRACING_ENABLED"] = "false", ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1" },
        })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, (await errors).Trim());
    }
}
