struct shape {
    int kind;
    union {
        struct {
            int w, h;
        };
        long area_hint;
    };
};
struct shape lib_grow(struct shape s);
