/* driver.c - the cJSON workload (our code, not cJSON's).  It touches the
 * trees only through cJSON's functions, never their fields: split, a
 * struct cJSON lives in the library's FMP and the program holds handles.
 *
 * cJSON keeps a pointer into the text it parses (global_error, for
 * cJSON_GetErrorPtr), so the annotator refuses cJSON_Parse across modules:
 * in another FMP that text is a copy gone when the call returns.  The
 * text must live where cJSON does: json_parse runs in cJSON's module
 * (FR_MODULE in spec.h), keeps its own copy until the next parse, and
 * json_error reads the error position from it there.
 *
 * Phase 1 parses each document, prints it back and deletes it: three
 * calls a document, no handle living from one to the next, so a crash of
 * the library between two documents loses nothing (restart.yaml).  Phase 2
 * walks, builds, compares and patches trees. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cJSON.h"
#include "cJSON_Utils.h"

static const char *const docs[] = {
    "{\"name\": \"fracture\", \"version\": [0, 1, 0], \"modules\": 5}",
    "[1, 2.5, -3e2, true, false, null, \"s\\u00e9\", {\"a\": {}}]",
    "{\"nested\": {\"deeper\": {\"deepest\": [[], [[]], \"x\"]}}, \"n\": 1e-7}",
    "{\"ports\": [80, 443, 8080], \"host\": \"example.org\", \"tls\": true}",
    "{\"bad\": [1, 2,}",
    "\"just a string with \\\"quotes\\\" and \\\\ backslash\"",
    "{\"users\": [{\"id\": 1, \"name\": \"ada\"}, {\"id\": 2, \"name\": \"brian\"},"
    " {\"id\": 3, \"name\": \"ken\"}], \"count\": 3}",
};
#define NDOCS (int)(sizeof docs / sizeof *docs)

/* In module cjson (spec.h).  The copy is freed by the next parse. */
cJSON *json_parse(const char *text)
{
    static char *kept;

    free(kept);
    kept = strdup(text);
    return kept ? cJSON_Parse(kept) : NULL;
}

/* In module cjson: where the last parse stopped, as text. */
const char *json_error(void)
{
    const char *at = cJSON_GetErrorPtr();
    return at ? at : "";
}

static void walk(const cJSON *item, const char *key, int depth)
{
    printf("%*s%s%s", depth * 2, "", key ? key : "", key ? ": " : "");
    if (cJSON_IsObject(item) || cJSON_IsArray(item)) {
        int n = cJSON_GetArraySize(item);
        printf("%s of %d\n", cJSON_IsObject(item) ? "object" : "array", n);
        for (int i = 0; i < n; i++) {
            const cJSON *child = cJSON_GetArrayItem(item, i);
            char idx[16];
            snprintf(idx, sizeof idx, "[%d]", i);
            walk(child, cJSON_IsObject(item) ? NULL : idx, depth + 1);
        }
    } else if (cJSON_IsNumber(item)) {
        printf("number %g\n", cJSON_GetNumberValue(item));
    } else if (cJSON_IsString(item)) {
        printf("string '%s'\n", cJSON_GetStringValue(item));
    } else if (cJSON_IsBool(item)) {
        printf("%s\n", cJSON_IsTrue(item) ? "true" : "false");
    } else {
        printf("null\n");
    }
}

int main(void)
{
    cJSON *all, *users, *copy, *patches;
    char *text;
    int failed = 0;

    printf("cJSON %s\n", cJSON_Version());
    for (int i = 0; i < NDOCS; i++) {               /* phase 1 */
        cJSON *doc = json_parse(docs[i]);
        text = cJSON_PrintUnformatted(doc);
        printf("doc %d: %s\n", i, text ? text : "(parse error)");
        failed += !text;
        free(text);
        cJSON_Delete(doc);
    }

    all = cJSON_CreateArray();                      /* phase 2 */
    for (int i = 0; i < NDOCS; i++) {
        cJSON *doc = json_parse(docs[i]);
        if (!doc) {
            printf("doc %d: error at '%s'\n", i, json_error());
            continue;
        }
        walk(doc, NULL, 0);
        cJSON_AddItemToArray(all, doc);
    }
    users = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(all, 5), "users");
    for (int i = 0; i < cJSON_GetArraySize(users); i++) {
        const cJSON *u = cJSON_GetArrayItem(users, i);
        printf("user %g %s\n", cJSON_GetNumberValue(cJSON_GetObjectItem(u, "id")),
               cJSON_GetStringValue(cJSON_GetObjectItem(u, "name")));
    }
    printf("pointer /5/users/2/name: %s\n",
           cJSON_GetStringValue(cJSONUtils_GetPointer(all, "/5/users/2/name")));

    copy = cJSON_Duplicate(all, 1);
    printf("copy equal: %d\n", cJSON_Compare(all, copy, 1));
    cJSON_AddNumberToObject(cJSON_GetArrayItem(copy, 0), "stars", 42);
    cJSON_AddStringToObject(cJSON_GetArrayItem(copy, 3), "owner", "ops");
    cJSON_DeleteItemFromObject(cJSON_GetArrayItem(copy, 2), "n");
    printf("copy equal after edits: %d\n", cJSON_Compare(all, copy, 1));
    patches = cJSONUtils_GeneratePatches(all, copy);
    text = cJSON_Print(patches);
    printf("patches:\n%s\n", text);
    free(text);
    cJSONUtils_ApplyPatches(all, patches);
    printf("equal after patching: %d\n", cJSON_Compare(all, copy, 1));

    cJSON_Delete(patches);
    cJSON_Delete(copy);
    cJSON_Delete(all);
    return failed;
}
