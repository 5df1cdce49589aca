import { ReportSessionRow } from './entities/report-session.entity.js';
import { SessionViewRow } from './entities/session-view.entity.js';

/** Every TypeORM entity of the read models; each projection adds its own here. */
export const READ_MODEL_ENTITIES: Function[] = [SessionViewRow, ReportSessionRow];
