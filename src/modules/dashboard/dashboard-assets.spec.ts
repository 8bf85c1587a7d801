import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dashboardDirectory, loadDashboardAssets } from './dashboard-assets';

describe('The dashboard files', () => {
  let root: string;

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'wiu-dashboard-'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('are found beside src/ when running from source and beside dist/ when built', () => {
    fs.mkdirSync(path.join(root, 'dashboard'));
    fs.writeFileSync(path.join(root, 'dashboard', 'index.html'), '<!doctype html>');
    expect(dashboardDirectory(path.join(root, 'src', 'modules', 'dashboard'))).toBe(path.join(root, 'dashboard'));
    expect(dashboardDirectory(path.join(root, 'dist', 'src', 'modules', 'dashboard'))).toBe(path.join(root, 'dashboard'));
  });

  it('stop the start, naming where they were looked for, when missing', () => {
    expect(() => dashboardDirectory(path.join(root, 'src', 'modules', 'dashboard'))).toThrow(/dashboard's files are missing.*dashboard/);
  });

  it('are read once, by their path, with their type and an ETag; files of other kinds are left out', () => {
    fs.mkdirSync(path.join(root, 'js', 'pages'), { recursive: true });
    fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html>');
    fs.writeFileSync(path.join(root, 'js', 'pages', 'a.js'), 'export {};');
    fs.writeFileSync(path.join(root, 'notes.md'), '# not served');
    const assets = loadDashboardAssets(root);
    expect([...assets.keys()].sort()).toEqual(['index.html', 'js/pages/a.js']);
    expect(assets.get('js/pages/a.js')).toMatchObject({
      contentType: 'text/javascript; charset=utf-8',
      etag: expect.stringMatching(/^"[\w-]+"$/),
    });
    expect(assets.get('index.html')?.body.toString()).toBe('<!doctype html>');
  });

  it('ship with the repository: every page module the shell imports is there', () => {
    const assets = loadDashboardAssets(dashboardDirectory());
    const app = assets.get('js/app.js')!.body.toString();
    const imports = [...app.matchAll(/from '\.\/([^']+)'/g)].map((m) => `js/${m[1]}`);
    expect(imports.length).toBeGreaterThan(5);
    for (const name of imports) expect({ name, served: assets.has(name) }).toEqual({ name, served: true });
    expect(assets.has('index.html') && assets.has('style.css')).toBe(true);
  });
});
