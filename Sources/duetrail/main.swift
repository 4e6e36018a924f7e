import DueTrailCLI

DueTrailCommand.main()
