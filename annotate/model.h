/*
 * model.h - the module model fracture-annotate builds from every input file:
 * modules and their caps, functions with their parameters and annotations,
 * calls and function addresses that cross modules, and globals.
 *
 * The model holds no libclang object: everything the checks and the
 * manifest need is copied out while a translation unit is alive, so that
 * translation units can be parsed one at a time and disposed.  All memory
 * hangs off the model's talloc context.
 */
#ifndef FRA_MODEL_H
#define FRA_MODEL_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"

struct fra_loc {
    const char *file;         /* as clang names it, "./" stripped */
    unsigned line, col;
};

/* A set of annotation strings ("in:len", "string", ...) without "fracture:". */
struct fra_anns {
    char **v;
    size_t n;
};

/* What the annotator must know about a type to pick its copy rule. */
enum fra_tkind {
    FRA_T_VOID,
    FRA_T_SCALAR,             /* integers, floats, enums, bool */
    FRA_T_RECORD,             /* struct or union by value */
    FRA_T_PTR,
    FRA_T_OTHER,              /* arrays by value, vectors, ... */
};

enum fra_pkind {               /* what a pointer points to */
    FRA_P_VOID,
    FRA_P_CHAR,               /* plain char only: unsigned char * is bytes */
    FRA_P_PTR,                /* T ** */
    FRA_P_FN,                 /* a function pointer */
    FRA_P_RECORD,
    FRA_P_SCALAR,             /* any other complete type */
};

struct fra_type {
    const char *spelling;
    enum fra_tkind kind;
    bool integer;             /* may carry FR_FD */
    enum fra_pkind pointee;
    bool pointee_const;
    bool pointee_incomplete;  /* in any declaration seen: then it is a handle */
    bool pointee_bytes;       /* unsigned char, signed char (uint8_t, ...) */
    bool va_list;             /* a va_list, whatever the ABI makes of it */
    const char *record;       /* key of the record (by value or pointee) */
    /* T ** with T a record: its key, and whether it is incomplete in any
     * declaration seen (then T * is a handle, and T ** an array of them) */
    const char *inner_record;
    bool inner_incomplete;
    bool top_const;           /* const itself ("const int", "char *const") */
    /* A scalar whose bytes are more than its value, an x87 long double
     * (10 bytes of 16 on x86-64): its size and the bytes of its value;
     * else 0 and 0.  What is beyond is whatever memory held (emit.c). */
    unsigned scalar_size, value_bytes;
    bool array_param;         /* a parameter declared as an array (a pointer to its element) */
    unsigned long long array_len; /* its length, 0 if it has none ("int m[][3]") */
    const char *array_count;  /* a VLA parameter's size expression: "n" of a[n] */
};

enum fra_copy {
    FRA_COPY_NONE,            /* void return */
    FRA_COPY_SCALAR,
    FRA_COPY_STRUCT,
    FRA_COPY_IN,
    FRA_COPY_OUT,
    FRA_COPY_INOUT,
    FRA_COPY_STRING,
    FRA_COPY_OPAQUE,
    FRA_COPY_FD,
    FRA_COPY_CALLBACK,
    FRA_COPY_RET,             /* FR_RET(n) */
    FRA_COPY_STRV,            /* strings: n of them (FR_IN(n)), or up to NULL (FR_STRING) */
    FRA_COPY_HANDLES,         /* n handles (FR_IN/FR_OUT/FR_INOUT(n) on T ** or T *const *,
                               * T * a handle): rule.dir says which way */
    FRA_COPY_UNKNOWN,         /* no rule: an error if the value crosses */
};

/* A resolved copy rule. */
struct fra_rule {
    enum fra_copy copy;
    const char *n;            /* element count expression, or NULL */
    bool inferred;
    bool string_inout;        /* FR_STRING with FR_INOUT on a char * */
    bool keep;                /* FRA_COPY_FD: FR_FD_KEEP, the callee keeps its duplicate */
    enum fra_copy dir;        /* FRA_COPY_HANDLES: FRA_COPY_IN, _OUT or _INOUT */
};

/* One declaration (prototype or definition) of a function, as written. */
struct fra_decl {
    struct fra_loc loc;
    bool def;
    struct fra_anns own;      /* annotations on the function itself */
    struct fra_anns *pown;    /* per parameter, written on this declaration */
    struct fra_loc *ploc;
    unsigned nparams;
};

/* A parameter handed on as argument @arg of a call to @callee. */
struct fra_handoff {
    const char *callee;       /* key */
    unsigned arg;
    struct fra_loc loc;
    bool generic;             /* the callee's parameter is a void * or char * */
    bool one;                 /* another argument is the size of one element */
};

/*
 * What a definition's body does with a parameter (uses.c): the facts the
 * inferences are checked against.  Each location is the first such use.
 */
struct fra_facts {
    bool indexed, advanced, stored;
    struct fra_loc index_loc, advance_loc, store_loc;
    const char *store_where;  /* "global 'g'", "memory reached through 'h'" */
    struct fra_handoff *handoffs;
    size_t nhandoffs;
};

struct fra_param {
    const char *name;         /* "" when unnamed */
    struct fra_loc loc;
    struct fra_type type;
    struct fra_anns ann;      /* the agreed annotations */
    struct fra_rule rule;
    struct fra_facts facts;   /* of the definition's body, when seen */
};

/* A body reading or writing through a pointer to a record (uses.c). */
struct fra_deref {
    const char *record;       /* key */
    struct fra_loc loc;
};

struct fra_func {
    const char *key;          /* name, or "TU:name" for internal linkage */
    const char *name;
    const char *tu;           /* translation unit of the definition */
    bool internal;            /* static */
    bool in_header;           /* static function defined in an included file */
    bool defined;
    bool variadic;
    const char *module;       /* resolved after collection */
    struct fra_loc loc;       /* of the definition, or first declaration */
    struct fra_type ret;
    struct fra_param *params;
    unsigned nparams;
    struct fra_anns ann;      /* agreed function annotations */
    struct fra_rule ret_rule;
    bool ret_owned;
    bool init;
    const char *fail_value, *fail_errno;
    const char *tu_module;    /* module of the defining translation unit */
    struct fra_decl *decls;
    size_t ndecls;
    bool cross;               /* called from another module */
    bool callback;            /* its address crosses modules */
    struct fra_loc address_loc; /* where its address was first taken across */
    bool reached;             /* a static function of a header: used in its file */
    struct fra_deref *derefs; /* the first per record */
    size_t nderefs;
    unsigned name_off;        /* of the definition's name in its file, or FRA_NO_OFF */
    unsigned end_off;         /* just past the definition, or FRA_NO_OFF */
};

/* A place that names a module: FRACTURE_MODULE or FR_MODULE. */
struct fra_moddecl {
    const char *name;
    const char *caps_text;
    unsigned caps;
    struct fra_loc loc;
};

/* A FRACTURE_MODULE_FILES line of a spec file (spec.c): its files, each
 * with the number of translation units it matched. */
struct fra_modfiles {
    const char *name;
    const char *caps_text;
    struct fra_loc loc;
    char **files;
    unsigned *matched;
    size_t nfiles;
};

struct fra_module {
    const char *name;
    unsigned caps;
    char **files;             /* translation units, sorted */
    size_t nfiles;
};

/* A direct call, or an address of a function taken outside a direct call. */
struct fra_call {
    const char *caller;       /* key of the enclosing function, or NULL */
    const char *caller_tu_module; /* module for code outside functions */
    const char *callee;       /* key */
    struct fra_loc loc;
    bool address;             /* the function's address is taken here */
    const char *via;          /* address passed as argument to this key */
    unsigned via_arg;
    const char *from;         /* resolved: module of the code */
    /* For the rewriter: the translation unit, the byte offset of the
     * function's name token when it is written in the main file outside
     * any macro (else FRA_NO_OFF), and the offset where the top-level
     * declaration holding it starts. */
    const char *tu;
    unsigned name_off;
    unsigned top_off;
};

#define FRA_NO_OFF 0xffffffffu

struct fra_field {
    const char *name;
    struct fra_loc loc;
    struct fra_type type;
    bool array;
    bool flexible;            /* a flexible array member: T name[] */
    bool bitfield;            /* its address cannot be taken */
    bool shared;              /* its bytes are another member's too: a union's
                               * field, or one of an anonymous union member */
    struct fra_anns ann;
    /* Where its bits are in the record, as libclang lays it out for the
     * target (an anonymous member's offset added): what tidy masks are
     * made of (emit.c).  bit_width is a bit-field's, else 0; size the
     * bytes it takes (a whole array; 0 for a flexible array member). */
    unsigned long long bit_offset;
    unsigned bit_width;
    unsigned long long size;
};

struct fra_record {
    const char *key;
    const char *name;         /* "struct batch" */
    bool system;              /* declared in a system header */
    bool is_union;            /* its fields share their bytes */
    unsigned long long size;  /* in bytes, as libclang lays it out */
    bool layout_known;        /* every field's offset was read */
    /* Its fields, those of its anonymous members among them (C11: they
     * are named as its own), in declaration order. */
    struct fra_field *fields;
    size_t nfields;
};

struct fra_global {
    const char *key;
    const char *name;
    const char *module;       /* of the defining translation unit */
    bool is_const;
    struct fra_loc loc;
};

struct fra_use {
    const char *var;          /* key */
    const char *user;         /* enclosing function key, or NULL */
    const char *user_tu_module;
    struct fra_loc loc;
};

/* A FRACTURE_OPAQUE(type) line: pointers to the record are handles. */
struct fra_opaque {
    const char *record;       /* key */
    const char *name;         /* as written: "cJSON", "struct z_stream_s" */
    struct fra_loc loc;
};

/* An error before sorting. */
struct fra_err {
    struct fra_loc loc;
    char *msg, *hint;
};

struct fra_model {
    void *ctx;
    struct fra_moddecl *moddecls;
    size_t nmoddecls;
    struct fra_module *modules;   /* resolved: "main" first, then by name */
    size_t nmodules;
    struct fra_func **funcs;      /* sorted by key once collected */
    size_t nfuncs;
    struct fra_call *calls;
    size_t ncalls;
    struct fra_record **records;
    size_t nrecords;
    struct fra_global *globals;
    size_t nglobals;
    struct fra_use *uses;
    size_t nuses;
    char **names;                 /* file-scope names, macros: for FR_IN(n) */
    size_t nnames;
    char **tus;                   /* translation units with their module */
    char **tu_modules;
    size_t ntus;
    struct fra_opaque *opaques;
    size_t nopaques;
    struct fra_err *errs;
    size_t nerrs;
    char **deps;                  /* every file a translation unit read */
    size_t ndeps;
    char **specs;                 /* --spec files, as clang names them */
    size_t nspecs;
    struct fra_modfiles *modfiles; /* their FRACTURE_MODULE_FILES lines */
    size_t nmodfiles;
};

struct fra_model *fra_model_new(void *ctx);

/* A function of the sources whose values cross modules (after fra_calls):
 * called from another module, or its address taken there. */
static inline bool fra_func_crosses(const struct fra_func *f)
{
    return f->defined && (f->cross || f->callback);
}

/* A static function a header defines that its file never uses (after
 * fra_calls): its body is no code of the program's. */
static inline bool fra_func_unused(const struct fra_func *f)
{
    return f && f->defined && f->internal && f->in_header && !f->reached;
}

/* Lookups return NULL when absent. */
struct fra_func *fra_model_func(struct fra_model *m, const char *key);
struct fra_func *fra_model_func_add(struct fra_model *m, const char *key);
struct fra_record *fra_model_record(struct fra_model *m, const char *key);
struct fra_record *fra_model_record_add(struct fra_model *m, const char *key);
struct fra_module *fra_model_module(struct fra_model *m, const char *name);
const struct fra_global *fra_model_global(const struct fra_model *m, const char *key);
const char *fra_model_tu_module(const struct fra_model *m, const char *tu);
const struct fra_opaque *fra_model_opaque(const struct fra_model *m, const char *record);

/* Append helpers: each returns 0 or -ENOMEM. */
int fra_model_add_name(struct fra_model *m, const char *name);
bool fra_model_has_name(const struct fra_model *m, const char *name);
int fra_anns_add(void *ctx, struct fra_anns *a, const char *s);
bool fra_anns_equal(const struct fra_anns *a, const struct fra_anns *b);
const char *fra_anns_find(const struct fra_anns *a, const char *prefix);

/* Record an error; sorted and printed by fra_model_report. */
void fra_model_error(struct fra_model *m, const struct fra_loc *loc,
                     const char *hint, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* After collection: sort functions, resolve every function's module and the
 * module list, the module of every call and use.  Returns 0 or -ENOMEM. */
int fra_model_resolve(struct fra_model *m);

/* Sort errors by file/line/col, drop duplicates, print them to stderr in
 * the project's diagnostic format (@json: as {"errors": [...]} on stdout).
 * Returns the number printed. */
size_t fra_model_report(struct fra_model *m, int json);

/* qsort() that accepts an empty (NULL) array. */
void fra_sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));

/* Text helpers. */
char *fra_loc_str(void *ctx, const struct fra_loc *loc);
int fra_loc_cmp(const struct fra_loc *a, const struct fra_loc *b);

#endif /* FRA_MODEL_H */
