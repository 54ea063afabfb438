int lib_vowels(const char s[]);
