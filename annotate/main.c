/*
 * main.c - the fracture-annotate command line: read the sources with their
 * compile flags (and the spec files that annotate them), build the module
 * model, run every check, print the errors like a compiler and, on
 * request, write the JSON manifest.
 *
 * Exit status: 0 clean, 1 errors in the sources, 2 usage, 70 internal.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <talloc.h>
#include <unistd.h>

#include "gen.h"
#include "manifest.h"
#include "model.h"
#include "parse.h"
#include "passes.h"
#include "spec.h"

#ifndef FR_INCLUDE_DIR
#define FR_INCLUDE_DIR "/usr/local/include"
#endif
#ifndef FR_VERSION
#define FR_VERSION "0.1.0"
#endif

/*
 * Where fracture/fracture.h is when --fracture-include does not say: beside
 * an installed annotator (PREFIX/bin -> PREFIX/include), else the source
 * tree this one was built from.  The result is talloc'd on @ctx.
 */
static const char *default_include(void *ctx)
{
    char exe[4096], *slash, *dir;
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);

    if (n > 0) {
        exe[n] = '\0';
        slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            dir = talloc_asprintf(ctx, "%s/../include", exe);
            char *probe = dir ? talloc_asprintf(ctx, "%s/fracture/fracture.h", dir) : NULL;
            if (probe && access(probe, R_OK) == 0)
                return dir;
        }
    }
    return FR_INCLUDE_DIR;
}

static void usage(FILE *f)
{
    fprintf(f,
            "usage: fracture-annotate [options] FILE... [-- FLAGS...]\n"
            "\n"
            "Check that the annotated C sources can be split into modules and\n"
            "report, like a compiler, every place that still needs an annotation.\n"
            "\n"
            "  -o OUTDIR                generate the fractured program: a rewritten copy\n"
            "                           of every FILE under OUTDIR (same relative path,\n"
            "                           '..' as '__') and OUTDIR/fracture_app.c; compile\n"
            "                           each copy with its original's flags plus\n"
            "                           -iquote <the original's directory>, link with\n"
            "                           `pkg-config --libs fracture`; the module model\n"
            "                           goes to OUTDIR/fracture.json\n"
            "  --depfile FILE           with -o: write a Makefile rule listing every file\n"
            "                           the sources read (for Ninja's DEPFILE)\n"
            "  --depfile-target T       the rule's target (default OUTDIR/fracture_app.c)\n"
            "  --app-name NAME          the program's name in the module table\n"
            "                           (default: the name of OUTDIR)\n"
            "  -p BUILD_DIR             take each file's flags from\n"
            "                           BUILD_DIR/compile_commands.json\n"
            "  --spec FILE.h            annotations for sources that stay untouched:\n"
            "                           annotated prototypes and FRACTURE_MODULE_FILES\n"
            "                           lines, read ahead of every FILE (-include);\n"
            "                           they must agree with the sources' own; may\n"
            "                           be given several times\n"
            "  --manifest FILE          write the module model as JSON (- for stdout)\n"
            "  --json                   the errors as one JSON object on stdout,\n"
            "                           {\"errors\": [{\"file\", \"line\", \"col\",\n"
            "                           \"severity\", \"message\", \"hint\"}]}, not on stderr\n"
            "  --fracture-include DIR   directory holding fracture/fracture.h\n"
            "                           (default: ../include beside this program if it\n"
            "                           holds it, else %s)\n"
            "  -h, --help               this help\n"
            "  --version                print the version\n"
            "\n"
            "Without -p, the flags after -- apply to every FILE.\n"
            "Exit status: 0 no error, 1 errors found, 2 usage error.\n",
            FR_INCLUDE_DIR);
}

static int usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "fracture-annotate: error: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n(see fracture-annotate --help)\n");
    return 2;
}

int main(int argc, char **argv)
{
    static const struct option longs[] = {
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {"manifest", required_argument, NULL, 'm'},
        {"fracture-include", required_argument, NULL, 'I'},
        {"app-name", required_argument, NULL, 'A'},
        {"depfile", required_argument, NULL, 'd'},
        {"depfile-target", required_argument, NULL, 'T'},
        {"json", no_argument, NULL, 'j'},
        {"spec", required_argument, NULL, 'S'},
        {NULL, 0, NULL, 0},
    };
    void *ctx = talloc_new(NULL);
    struct fra_opts o = {.include_dir = default_include(ctx)};
    struct fra_model *m;
    const char *outdir = NULL, *app = NULL, *depfile = NULL, *deptarget = NULL;
    int opt, rc, status = 0, dashdash = argc, json = 0;

    /* Everything after "--" is compiler flags, never our options. */
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--") == 0) {
            dashdash = i;
            break;
        }
    opterr = 0;
    while ((opt = getopt_long(dashdash, argv, ":ho:p:", longs, NULL)) != -1) {
        switch (opt) {
        case 'h':
            usage(stdout);
            goto out;
        case 'V':
            printf("fracture-annotate %s\n", FR_VERSION);
            goto out;
        case 'p':
            o.build_dir = optarg;
            break;
        case 'o':
            outdir = optarg;
            break;
        case 'A':
            app = optarg;
            break;
        case 'd':
            depfile = optarg;
            break;
        case 'T':
            deptarget = optarg;
            break;
        case 'm':
            o.manifest = optarg;
            break;
        case 'I':
            o.include_dir = optarg;
            break;
        case 'j':
            json = 1;
            break;
        case 'S': {
            char **v = talloc_realloc(ctx, o.specs, char *, o.nspecs + 1);
            if (!v) {
                rc = -ENOMEM;
                goto fail;
            }
            o.specs = v;
            o.specs[o.nspecs++] = optarg;
            break;
        }
        case ':':
            status = usage_error("option '%s' needs an argument", argv[optind - 1]);
            goto out;
        default:
            status = usage_error("unknown option '%s'", argv[optind - 1]);
            goto out;
        }
    }
    o.files = argv + optind;
    o.nfiles = (size_t)(dashdash - optind);
    for (size_t i = 0; i < o.nfiles; i++)
        if (o.files[i][0] == '-' && o.files[i][1]) {
            status = usage_error("unknown option '%s' (compiler flags go after --)",
                                 o.files[i]);
            goto out;
        }
    if (dashdash < argc) {
        o.flags = argv + dashdash + 1;
        o.nflags = (size_t)(argc - dashdash - 1);
    }
    if (o.nfiles == 0) {
        status = usage_error("%s", "no input file");
        goto out;
    }
    if ((depfile || deptarget) && !outdir) {
        status = usage_error("%s", "--depfile goes with -o");
        goto out;
    }
    if (json && o.manifest && strcmp(o.manifest, "-") == 0) {
        status = usage_error("%s", "--json and --manifest - both want stdout");
        goto out;
    }
    if (o.build_dir && o.nflags) {
        status = usage_error("%s", "give flags either with -p or after --, not both");
        goto out;
    }

    m = fra_model_new(ctx);
    if (!m) {
        rc = -ENOMEM;
        goto fail;
    }
    rc = fra_parse(m, &o);
    if (rc < 0)
        goto fail;
    fra_spec_check(m);
    fra_merge(m);
    rc = fra_model_resolve(m);
    if (rc < 0)
        goto fail;
    fra_calls(m);
    fra_infer(m);
    fra_check(m);
    if (outdir && m->nerrs == 0) {
        if (!app) {
            const char *slash = strrchr(outdir, '/');
            app = slash && slash[1] ? slash + 1 : outdir;
        }
        rc = fra_generate(m, outdir, app);
        /* The module model goes with the code generated from it. */
        if (rc == 0 && !o.manifest && m->nerrs == 0) {
            char *path = talloc_asprintf(ctx, "%s/fracture.json", outdir);
            rc = path ? fra_manifest_write(m, path) : -ENOMEM;
        }
        if (rc == 0 && depfile) {
            const char *t = deptarget ? deptarget
                                      : talloc_asprintf(ctx, "%s/fracture_app.c", outdir);
            rc = t ? fra_write_depfile(m, depfile, t) : -ENOMEM;
        }
        if (rc < 0) {
            fprintf(stderr, "fracture-annotate: error: cannot write under %s: %s\n", outdir,
                    strerror(-rc));
            status = 1;
        }
    }
    status = fra_model_report(m, json) || status ? 1 : 0;
    if (o.manifest) {
        rc = fra_manifest_write(m, o.manifest);
        if (rc < 0) {
            fprintf(stderr, "fracture-annotate: error: cannot write %s: %s\n", o.manifest,
                    strerror(-rc));
            status = 1;
        }
    }
out:
    talloc_free(ctx);
    return status;
fail:
    fprintf(stderr, "fracture-annotate: error: %s\n", strerror(-rc));
    talloc_free(ctx);
    return 70;
}
