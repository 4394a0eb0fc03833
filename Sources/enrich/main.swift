import EnrichCLI

CommandLineEntry.main()
