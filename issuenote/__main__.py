from issuenote.launch import main

main()
