double _Complex lib_cmul(double _Complex a, double _Complex b);
