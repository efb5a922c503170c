using OrderOps.Functions;
using OrderOps.Functions.Composition;
using OrderOps.Hosting;
using OrderOps.Hosting.Publishing;

// `dotnet publish` runs the app once with this switch to write function.json files, then it exits.
if (args.Length == 2 && args[0] == "--write-function-metadata")
{
    FunctionMetadataWriter.WriteAll(FunctionCatalog.Create(), args[1]);
    return 0;
}

var builder = WebApplication.CreateSlimBuilder(args);
var mode = HostingModes.Resolve(builder.Configuration);
builder.UseFunctionHostUrls(mode);
builder.Services.AddOrderOps(builder.Configuration);
builder.Services.AddFunctionHosting(FunctionCatalog.Create(), mode, builder.Configuration);

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapFunctions(mode);
await app.RunAsync();
return 0;

/// <summary>Visible to the test host (WebApplicationFactory).</summary>
public partial class Program;
