int lib_trace(int rows, const int m[][3]);
