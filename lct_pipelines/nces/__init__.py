"""Reading the NCES CCD LEA files (029 directory, 052 membership, 059 staff) into frames and reports."""
