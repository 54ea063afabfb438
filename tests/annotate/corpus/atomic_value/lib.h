long lib_inc(_Atomic long v);
