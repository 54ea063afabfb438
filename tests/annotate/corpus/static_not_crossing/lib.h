int lib_checksum(int v);
