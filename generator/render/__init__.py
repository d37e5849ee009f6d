"""Stage 4, render: plans become files. One module per output kind."""
