import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AppError } from '../../platform/errors/app-error';
import { Public } from '../../platform/http/route-access';
import { DASHBOARD_CSP, DashboardAsset, dashboardDirectory, loadDashboardAssets } from './dashboard-assets';

/**
 * The web dashboard at /dashboard: static files only, served by the gateway itself under a strict
 * Content-Security-Policy. The page signs in with an API key (or the operator token) kept in sessionStorage
 * and calls the public API like any client, so these routes need no credentials and are not part of the API
 * document.
 */
@ApiExcludeController()
@Public()
@Controller('dashboard')
export class DashboardController {
  private readonly assets = loadDashboardAssets(dashboardDirectory());

  @Get()
  index(@Req() request: Request, @Res() response: Response): void {
    // Relative asset URLs resolve against /dashboard/, so the page is always served there.
    if (!request.path.endsWith('/')) return response.redirect(301, '/dashboard/');
    this.send(request, response, this.assets.get('index.html'));
  }

  @Get('*path')
  file(@Param('path') parts: string[] | string, @Req() request: Request, @Res() response: Response): void {
    const name = Array.isArray(parts) ? parts.join('/') : parts;
    this.send(request, response, this.assets.get(name));
  }

  private send(request: Request, response: Response, asset: DashboardAsset | undefined): void {
    if (!asset) throw new AppError('not_found', 'No such dashboard file.');
    response.setHeader('Content-Security-Policy', DASHBOARD_CSP);
    response.setHeader('X-Content-Type-Options', 'nosniff');
    response.setHeader('Referrer-Policy', 'no-referrer');
    response.setHeader('Cache-Control', 'no-cache');
    response.setHeader('ETag', asset.etag);
    if (request.headers['if-none-match'] === asset.etag) {
      response.status(304).end();
      return;
    }
    response.setHeader('Content-Type', asset.contentType).send(asset.body);
  }
}
