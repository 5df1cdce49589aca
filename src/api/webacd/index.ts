import type { Provider, Type } from '@nestjs/common';
import { SettingsController, SettingsResolver } from '../settings/settings.api.js';
import { InboundController, QueuesController } from './webacd.controller.js';
import { QueueCommands } from './queue-commands.js';
import { WebAcdResolver } from './webacd.resolver.js';

/** The WebACD and settings API, registered by AppModule. */
export const WEBACD_API: { controllers: Type[]; providers: Provider[] } = {
  controllers: [InboundController, QueuesController, SettingsController],
  providers: [QueueCommands, WebAcdResolver, SettingsResolver],
};
