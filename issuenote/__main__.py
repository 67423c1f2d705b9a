from issuenote.cli import main

main()
