using ClosedLoop.Cli;

// The closedloop executable owns its process, so commands may cap its heap (see ProcessMemory).
ProcessMemory.OwnsProcess = true;
return await CliHost.RunAsync(CliApp.BuildRoot(), args);
