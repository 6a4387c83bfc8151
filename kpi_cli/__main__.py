from kpi_cli.cli import main

main()
