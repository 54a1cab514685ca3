/** What every Auth endpoint gets: the stack's context and the service's own state. */
import type { ServiceContext, ServiceRequest, ServiceResponse } from '../core/service.ts';
import type { AuthMailer } from './mail.ts';
import type { AuthLimits } from './rate-limit.ts';

export interface AuthEnv {
  ctx: ServiceContext;
  limits: AuthLimits;
  mailer: AuthMailer;
}

export type Endpoint = (env: AuthEnv, req: ServiceRequest) => Promise<ServiceResponse>;
