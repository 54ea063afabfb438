/*
 * standby.h - a warm spare per restartable FMP (root only): a process
 * started ahead, mapped and waiting for GO, that replaces a crashed
 * incarnation without an exec on the restart path.
 */
#ifndef FR_STANDBY_H
#define FR_STANDBY_H

void fr__standby_start(int k, unsigned env_index);
void fr__standby_later(int k, unsigned env_index);
int fr__standby_due_ms(void);
void fr__standby_run_due(void);
int fr__standby_take(int k, unsigned env_index);
void fr__standby_drop(int k);
void fr__standby_stop_all(void);

#endif /* FR_STANDBY_H */
