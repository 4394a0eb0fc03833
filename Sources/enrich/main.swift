import EnrichCLI

await CommandLineEntry.main()
