/*
 * test_chat_modules.c - unit tests of apps/chat's modules that can be
 * tested alone: parse (prefixes, parameters, CTCP, names, modes), format
 * (the lines shown), scrollback (the ring and its pages), highlight (whole
 * words, any case) and seen.  The deliberate bugs stay out: the hostile
 * and rare inputs are the end-to-end tests' (check_chat).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "format.h"
#include "parse.h"
#include "plugin.h"
#include "scrollback.h"

static struct irc_msg m;

static void parse_prefix_and_params(void **state)
{
    (void)state;
    assert_int_equal(irc_parse(":alice!~al@host.example PRIVMSG #chan :hello  there", &m), 0);
    assert_string_equal(m.nick, "alice");
    assert_string_equal(m.user, "~al");
    assert_string_equal(m.host, "host.example");
    assert_string_equal(m.command, "PRIVMSG");
    assert_int_equal(m.numeric, 0);
    assert_int_equal(m.nparams, 2);
    assert_string_equal(IRC_PARAM(&m, 0), "#chan");
    assert_string_equal(IRC_PARAM(&m, 1), "hello  there");
    assert_string_equal(IRC_PARAM(&m, 2), "");

    assert_int_equal(irc_parse(":irc.test 001 me :Welcome", &m), 0);
    assert_string_equal(m.nick, "irc.test");
    assert_string_equal(m.user, "");
    assert_int_equal(m.numeric, 1);

    assert_int_equal(irc_parse("ping :irc.test", &m), 0);
    assert_string_equal(m.command, "PING");
    assert_string_equal(IRC_PARAM(&m, 0), "irc.test");

    assert_int_equal(irc_parse("", &m), -EINVAL);
    assert_int_equal(irc_parse(":prefix-only", &m), -EINVAL);
}

static void parse_fifteen_params(void **state)
{
    (void)state;
    /* RFC 2812: the fifteenth parameter is the rest of the line. */
    assert_int_equal(irc_parse("CMD 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16", &m), 0);
    assert_int_equal(m.nparams, 15);
    assert_string_equal(IRC_PARAM(&m, 14), "15 16");
}

static void parse_ctcp_action(void **state)
{
    (void)state;
    assert_int_equal(irc_parse(":bob!b@h PRIVMSG #c :\001ACTION waves hello\001", &m), 0);
    assert_string_equal(m.ctcp, "ACTION");
    assert_string_equal(m.ctcp_arg, "waves hello");
    assert_int_equal(irc_parse(":bob!b@h PRIVMSG me :\001version\001", &m), 0);
    assert_string_equal(m.ctcp, "VERSION");
    assert_string_equal(m.ctcp_arg, "");
    assert_int_equal(irc_parse(":bob!b@h PRIVMSG me :plain", &m), 0);
    assert_string_equal(m.ctcp, "");
}

static void parse_names_reply(void **state)
{
    (void)state;
    assert_int_equal(irc_parse(":irc.test 353 me = #c :@op +voice plain  ", &m), 0);
    assert_int_equal(m.nnames, 3);
    assert_int_equal(m.names[0].prefix, '@');
    assert_string_equal(m.names[0].nick, "op");
    assert_int_equal(m.names[1].prefix, '+');
    assert_string_equal(m.names[1].nick, "voice");
    assert_int_equal(m.names[2].prefix, 0);
    assert_string_equal(m.names[2].nick, "plain");
}

static void parse_mode_changes(void **state)
{
    (void)state;
    assert_int_equal(irc_parse(":op!o@h MODE #c +ov-k alice bob key", &m), 0);
    assert_int_equal(m.nmodes, 3);
    assert_int_equal(m.modes[0].sign, '+');
    assert_int_equal(m.modes[0].mode, 'o');
    assert_string_equal(m.modes[0].arg, "alice");
    assert_int_equal(m.modes[1].mode, 'v');
    assert_string_equal(m.modes[1].arg, "bob");
    assert_int_equal(m.modes[2].sign, '-');
    assert_string_equal(m.modes[2].arg, "key");
    assert_int_equal(irc_parse(":irc.test 324 me #c +nt", &m), 0);
    assert_int_equal(m.nmodes, 2);
    assert_string_equal(m.modes[1].arg, "");
}

static const char *show(const char *line, const char *me)
{
    static struct fmt_line fl;

    assert_int_equal(irc_parse(line, &m), 0);
    if (fmt_message(&m, me, 0, &fl) != 0)
        return NULL;
    return strchr(fl.text, ' ') + 1;   /* past the time */
}

static void format_lines(void **state)
{
    (void)state;
    assert_string_equal(show(":a!u@h PRIVMSG #c :hi", "me"), "<a> hi");
    assert_string_equal(show(":a!u@h PRIVMSG #c :\001ACTION waves\001", "me"), "* a waves");
    assert_string_equal(show(":me!u@h JOIN #c", "me"), "-!- You have joined #c");
    assert_string_equal(show(":a!u@h JOIN :#c", "me"), "-!- a [u@h] has joined #c");
    assert_string_equal(show(":a!u@h NICK b", "me"), "-!- a is now known as b");
    assert_string_equal(show(":a!u@h TOPIC #c :new", "me"), "-!- a changed the topic of #c to: new");
    assert_string_equal(show(":a!u@h MODE #c +v me", "me"), "-!- mode/#c [+v me] by a");
    assert_string_equal(show(":s 433 * me :in use", "me"), "-!- Nick me is already in use");
    assert_null(show("PING :s", "me"));
    /* A control character from the server never reaches the terminal. */
    assert_string_equal(show(":a!u@h PRIVMSG #c :x\033[2Jy", "me"), "<a> x [2Jy");
}

static void scrollback_ring(void **state)
{
    static struct sb_page page;
    char text[32];

    (void)state;
    for (int i = 0; i < SB_KEEP + 10; i++) {
        snprintf(text, sizeof text, "line %d", i);
        assert_int_equal(sb_append(7, LINE_MESSAGE, i == 5, text), 0);
    }
    assert_int_equal(sb_count(7), SB_KEEP);
    assert_int_equal(sb_page(7, 0, 3, &page), 3);
    assert_string_equal(page.line[2].text, "line 2009");
    assert_string_equal(page.line[0].text, "line 2007");
    assert_int_equal(sb_page(7, SB_KEEP - 2, 5, &page), 2);   /* the oldest two */
    assert_string_equal(page.line[0].text, "line 10");
    assert_int_equal(sb_page(7, SB_KEEP, 5, &page), 0);
    assert_int_equal(sb_page(8, 0, 5, &page), 0);
    assert_int_equal(sb_page(-1, 0, 5, &page), -EINVAL);
    assert_int_equal(sb_append(100000, 0, 0, "x"), -EINVAL);
    sb_drop(7);
    assert_int_equal(sb_count(7), 0);
}

static void highlight_words(void **state)
{
    struct plugin_event ev = {.kind = PEV_MESSAGE};
    struct plugin_action a;

    (void)state;
    assert_int_equal(highlight_init("rocket,launch"), 0);
    strcpy(ev.mynick, "tester");
    strcpy(ev.text, "hey TESTER, look");
    assert_int_equal(highlight_event(&ev, &a), 1);
    assert_int_equal(a.flags, PA_BELL | PA_MARK);
    strcpy(ev.text, "testers are people");   /* not the whole word */
    assert_int_equal(highlight_event(&ev, &a), 0);
    strcpy(ev.text, "the launch is on");
    assert_int_equal(highlight_event(&ev, &a), 1);
    ev.kind = PEV_JOIN;
    assert_int_equal(highlight_event(&ev, &a), 0);
}

static void seen_answers(void **state)
{
    struct plugin_event ev = {.kind = PEV_MESSAGE, .when = 100};
    struct plugin_action a;

    (void)state;
    strcpy(ev.nick, "alice");
    strcpy(ev.window, "#c");
    strcpy(ev.text, "hello");
    assert_int_equal(seen_event(&ev, &a), 0);
    assert_int_equal(seen_command("seen", "ALICE", 130, &a), 0);
    assert_string_equal(a.reply, "alice was last seen 30s ago in #c, saying \"hello\"");
    assert_int_equal(seen_command("seen", "bob", 130, &a), 0);
    assert_string_equal(a.reply, "I have not seen bob");
    assert_int_equal(seen_command("other", "", 130, &a), -ENOENT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parse_prefix_and_params),
        cmocka_unit_test(parse_fifteen_params),
        cmocka_unit_test(parse_ctcp_action),
        cmocka_unit_test(parse_names_reply),
        cmocka_unit_test(parse_mode_changes),
        cmocka_unit_test(format_lines),
        cmocka_unit_test(scrollback_ring),
        cmocka_unit_test(highlight_words),
        cmocka_unit_test(seen_answers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
