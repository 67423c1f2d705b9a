"""Following a case up: what is due, promises agents made, complaint clocks, reply statistics.

Pure logic over plain rows and times; the store reads the rows, commands render.
"""
