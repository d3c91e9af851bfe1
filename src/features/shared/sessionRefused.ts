// openSession() said no before anything was sent: the readiness rule's refusal, as an error whose message
// (title, then action) is written for the user.
import { refusalMessage, type Refusal, type RefusalReason } from '../../core/endpoints/readiness';

export class SessionRefusedError extends Error {
  readonly reason: RefusalReason;
  /** What went wrong; the message adds the action when there is one. */
  readonly title: string;
  readonly action: string;

  constructor(readonly refusal: Refusal) {
    super(refusalMessage(refusal));
    this.name = 'SessionRefusedError';
    this.reason = refusal.reason;
    this.title = refusal.title;
    this.action = refusal.action;
  }
}
