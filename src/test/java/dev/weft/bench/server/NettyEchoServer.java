package dev.weft.bench.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.TooLongFrameException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The peer: Netty 4.2 on its NIO transport (one acceptor event loop, and Netty's default of twice the cores for the
 * connections), a {@link LineBasedFrameDecoder} and a handler that schedules the echo on the connection's own event
 * loop after the think time ({@code ctx.executor().schedule}), the way a Netty server waits without blocking.
 */
final class NettyEchoServer implements EchoServer {
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final Channel channel;
    private final Errors errors = new Errors();

    /** Listens now. */
    NettyEchoServer(long thinkMs) throws InterruptedException {
        boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        workers = new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory());
        try {
            channel = new ServerBootstrap().group(boss, workers).channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, BACKLOG)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            // keep the '\n' in the frame: the echo is the frame as it came
                            ch.pipeline().addLast(new LineBasedFrameDecoder(MAX_LINE, false, true),
                                    new Echo(thinkMs));
                        }
                    })
                    .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
        } catch (InterruptedException | RuntimeException e) {
            workers.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            boss.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw e;
        }
    }

    /** Echoes each frame after the think time, scheduled on the channel's event loop. */
    private final class Echo extends SimpleChannelInboundHandler<ByteBuf> {
        private final long thinkMs;

        Echo(long thinkMs) {
            super(false); // the frame is released by the write
            this.thinkMs = thinkMs;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf line) {
            ctx.executor().schedule(() -> ctx.writeAndFlush(line), thinkMs, TimeUnit.MILLISECONDS);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (cause instanceof TooLongFrameException) {
                errors.add();
            }
            ctx.close();
        }
    }

    @Override
    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    @Override
    public long errors() {
        return errors.get();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
