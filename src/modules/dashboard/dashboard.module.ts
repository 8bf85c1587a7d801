import { Module } from '@nestjs/common';
import { DashboardController } from './dashboard.controller';

/** The web dashboard's files; it uses the public API from the browser and imports no other module. */
@Module({ controllers: [DashboardController] })
export class DashboardModule {}
