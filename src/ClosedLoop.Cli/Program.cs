using ClosedLoop.Cli;

return await CliHost.RunAsync(CliApp.BuildRoot(), args);
